import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import type { SkippedPath } from './contract.js';

export interface FoundFile {
  /** Absolute path. */
  path: string;
  /** Relative to the target, with '/' separators. */
  rel: string;
  sizeBytes: number;
}

export interface Discovery {
  files: FoundFile[];
  skipped: SkippedPath[];
}

/**
 * Every file below a target folder, minus what the exclusion globs name and what
 * Hadoop/Spark writers leave beside data (`_SUCCESS`, `.crc`, `_temporary/`: names that
 * start with '_' or '.'). Symbolic links are not followed: one could lead outside the
 * external locations the crawler may read.
 */
export async function discover(root: string, exclude: string[]): Promise<Discovery> {
  const excluded = exclude.length === 0 ? () => false : picomatch(exclude, { dot: true });
  const files: FoundFile[] = [];
  const skipped: SkippedPath[] = [];
  const walk = async (folder: string, rel: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const childPath = path.join(folder, entry.name);
      if (entry.name.startsWith('_') || entry.name.startsWith('.')) {
        skipped.push({
          path: childRel,
          kind: 'hidden',
          reason:
            'names starting with _ or . are markers and metadata of the writing job, not data',
        });
      } else if (/[*?[\]]/.test(entry.name)) {
        // DuckDB reads such a path as a pattern: it would read its neighbours, links
        // out of the external locations among them (which this walk never follows).
        skipped.push({
          path: childRel,
          kind: 'not_registered',
          reason: 'its name holds * ? [ or ], which DuckDB reads as a pattern: rename it',
        });
      } else if (entry.isDirectory()) {
        await walk(childPath, childRel);
      } else if (entry.isFile()) {
        const glob = excluded(childRel);
        if (glob) {
          skipped.push({ path: childRel, kind: 'excluded', reason: 'matches an exclusion glob' });
          continue;
        }
        files.push({ path: childPath, rel: childRel, sizeBytes: (await stat(childPath)).size });
      }
    }
  };
  await walk(root, '');
  return { files, skipped };
}

/** The folder of a relative path ('' for the target itself). */
export function folderOf(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash < 0 ? '' : rel.slice(0, slash);
}
