import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { copyFile, link, mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

const tempPattern = /^\..+\.[0-9a-f]{12}\.tmp$/;

/** Temp files live beside their target so the final rename never crosses a filesystem. */
export function isTempFile(name: string): boolean {
  return tempPattern.test(name);
}

function tempPathFor(target: string): string {
  const name = `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`;
  return path.join(path.dirname(target), name);
}

/** A rename or link is durable only once the directory entry itself is flushed. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates missing folders and flushes the entries of those it created, so they survive a crash. */
export async function makeFolders(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  const created = path.relative(path.dirname(first), dir).split(path.sep);
  let current = path.dirname(first);
  for (const name of created) {
    await syncDirectory(current);
    current = path.join(current, name);
  }
}

async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function unlinkQuietly(file: string): Promise<void> {
  await unlink(file).catch(() => undefined);
}

/** Writes and fsyncs a temp file beside target; the caller decides how it becomes visible. */
async function writeTemp(target: string, write: (handle: FileHandle) => Promise<void>) {
  const temp = tempPathFor(target);
  const handle = await open(temp, 'wx');
  try {
    await write(handle);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlinkQuietly(temp);
    throw err;
  }
  await handle.close();
  return temp;
}

/** Readers see the old file or the whole new one, never a part of it. */
export async function writeAtomically(
  target: string,
  write: (handle: FileHandle) => Promise<void>,
): Promise<void> {
  const temp = await writeTemp(target, write);
  try {
    await rename(temp, target);
  } catch (err) {
    await unlinkQuietly(temp);
    throw err;
  }
  await syncDirectory(path.dirname(target));
}

/** link() fails with EEXIST when the target exists, which makes create-if-absent atomic. */
export async function writeIfAbsent(
  target: string,
  write: (handle: FileHandle) => Promise<void>,
): Promise<boolean> {
  const temp = await writeTemp(target, write);
  try {
    await link(temp, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlinkQuietly(temp);
  }
  await syncDirectory(path.dirname(target));
  return true;
}

/** Moves a finished file into place; across filesystems it copies, syncs and renames. */
export async function moveFileAtomically(source: string, target: string): Promise<void> {
  await syncFile(source);
  try {
    await rename(source, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    const temp = tempPathFor(target);
    try {
      await copyFile(source, temp);
      await syncFile(temp);
      await rename(temp, target);
    } catch (copyErr) {
      await unlinkQuietly(temp);
      throw copyErr;
    }
    await unlink(source);
  }
  await syncDirectory(path.dirname(target));
}
