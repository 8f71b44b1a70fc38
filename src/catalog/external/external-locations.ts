import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidInput, NotFound, PermissionDenied } from '../../errors/index.js';

/** A checked external location: the URI kept in the catalog and the real folder read. */
export interface CheckedLocation {
  uri: string;
  folder: string;
}

/**
 * The folders outside the warehouse that external tables may read
 * (`catalog.externalLocations`). Everything is compared by real path, symlinks resolved,
 * so neither `..` nor a link can reach a file outside them. Checked again at every
 * query: a link may have been changed since the table was registered.
 */
export class ExternalLocations {
  constructor(private readonly configured: readonly string[]) {}

  /** The location's folder, after checking it is an existing folder inside an allowed one. */
  async check(location: string): Promise<CheckedLocation> {
    const folder = localPathOf(location);
    const real = await realpath(folder).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT' && err.code !== 'ENOTDIR') throw err;
      throw new NotFound('EXTERNAL_LOCATION_NOT_FOUND', `The folder ${location} does not exist.`, {
        hint: 'Create the folder or give the folder where the raw files are.',
      });
    });
    if (!(await stat(real)).isDirectory()) {
      throw new InvalidInput('INVALID_EXTERNAL_LOCATION', `${location} is a file, not a folder.`, {
        hint: 'Give the folder that holds the raw files; every matching file below it is read.',
      });
    }
    await this.requireInside(
      real,
      real === folder ? location : `${location} (really ${real})`,
      real,
    );
    return { uri: pathToFileURL(folder).href, folder: real };
  }

  /** Refuses a real path outside every configured location; `folder` is what to allow instead. */
  async requireInside(realPath: string, shownAs: string, folder: string): Promise<void> {
    const roots = await this.#roots();
    if (roots.some((root) => isInside(realPath, root))) return;
    const allowed = this.configured.length === 0 ? 'none' : this.configured.join(', ');
    throw new PermissionDenied(
      'EXTERNAL_LOCATION_NOT_ALLOWED',
      `${shownAs} is outside the external locations this server may read (catalog.externalLocations: ${allowed}).`,
      {
        hint: `Add the folder to catalog.externalLocations in lakeward.yaml (e.g. externalLocations: ["${pathToFileURL(folder).href}"]) and restart, or move the files into an allowed folder.`,
      },
    );
  }

  /** Real paths of the configured folders; one that does not exist allows nothing. */
  async #roots(): Promise<string[]> {
    const roots = await Promise.all(
      this.configured.map((c) => realpath(localPathOf(c)).catch(() => undefined)),
    );
    return roots.filter((r): r is string => r !== undefined);
  }
}

/**
 * file:///abs/folder or /abs/folder, normalised; `..` is refused outright rather than
 * resolved, so a location always names what it looks like it names.
 */
export function localPathOf(location: string): string {
  const invalid = (why: string) =>
    new InvalidInput('INVALID_EXTERNAL_LOCATION', `"${location}" ${why}.`, {
      hint: 'Give an absolute folder as file:///srv/landing/flights or /srv/landing/flights.',
    });
  let local: string;
  if (location.startsWith('file:')) {
    try {
      local = fileURLToPath(location);
    } catch {
      throw invalid('is not a local file URL');
    }
  } else if (path.isAbsolute(location)) {
    local = location;
  } else {
    throw invalid('is not a file:// URL or an absolute path');
  }
  if (local.split(/[\\/]/).includes('..')) throw invalid('contains ".."');
  const normal = path.resolve(local);
  return normal.length > 1 && normal.endsWith(path.sep) ? normal.slice(0, -1) : normal;
}

function isInside(candidate: string, root: string): boolean {
  return (
    candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep)
  );
}
