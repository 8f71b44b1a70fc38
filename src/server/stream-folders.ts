import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Stream ids are UUIDs: nothing else under `<home>/streams/` is a stream's folder. */
const STREAM_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Removes the folders of streams that no longer exist (deleted while this home's server
 * was not running): only real folders directly under `<home>/streams/` named like a stream
 * id, never a symbolic link or what it points to. `exists` is asked about each one right
 * before it goes. Returns the ids removed.
 */
export async function removeLeftoverFolders(
  home: string,
  exists: (streamId: string) => Promise<boolean>,
): Promise<string[]> {
  const root = join(home, 'streams');
  const entries = await readdir(root, { withFileTypes: true }).catch((err: unknown) => {
    if ((err as { code?: unknown }).code === 'ENOENT') return [];
    throw err;
  });
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !STREAM_ID.test(entry.name)) continue;
    if (await exists(entry.name)) continue;
    // rm does not follow symbolic links inside the folder: it removes the links themselves.
    await rm(join(root, entry.name), { recursive: true, force: true });
    removed.push(entry.name);
  }
  return removed;
}
