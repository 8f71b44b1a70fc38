import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { InvalidInput } from '../../errors/index.js';
import type { ExternalFormat, ExternalTableSpec } from '../contract.js';
import type { ExternalLocations } from './external-locations.js';

/** One file of an external table, as listed at query time. */
export interface RawFile {
  /** Path under the location's real folder, as DuckDB opens it. */
  path: string;
  /** Relative to the location, with '/' separators. */
  relative: string;
  sizeBytes: number;
}

/** File name endings each format's files have; text formats may also be compressed. */
const EXTENSIONS: Record<ExternalFormat, string[]> = {
  csv: ['.csv', '.tsv', '.txt', '.psv'],
  json: ['.json'],
  ndjson: ['.ndjson', '.jsonl', '.json'],
  parquet: ['.parquet', '.parq'],
};
const COMPRESSED = ['', '.gz', '.gzip', '.zst'];

export function fileEndings(format: ExternalFormat): string[] {
  const plain = EXTENSIONS[format];
  if (format === 'parquet') return plain;
  return plain.flatMap((ext) => COMPRESSED.map((c) => ext + c));
}

/**
 * The table's files now (new files are visible at once, as in Athena): every file below
 * the location with one of the format's endings, except hidden and `_` files and folders
 * (`_SUCCESS`, `.crc`, `_temporary/`), files an exclusion glob matches, and, for a
 * partitioned table, files outside its `name=value` folders. Every file, symlinks
 * followed, must really lie inside an allowed location, or the listing fails.
 */
export async function listRawFiles(
  spec: Pick<ExternalTableSpec, 'location' | 'format' | 'exclude' | 'partitionColumns'>,
  locations: ExternalLocations,
): Promise<RawFile[]> {
  const { folder } = await locations.check(spec.location);
  const endings = fileEndings(spec.format);
  const excluded = spec.exclude.length > 0 ? picomatch(spec.exclude, { dot: true }) : () => false;
  const partitions = spec.partitionColumns.map((p) => p.name.toLowerCase());
  const files: RawFile[] = [];
  const visited = new Set<string>([folder]);

  const walk = async (dir: string, relativeDir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
      const full = path.join(dir, entry.name);
      const relative = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      const kind = await kindOf(entry, full);
      if (kind === 'folder') {
        if (excluded(relative) || excluded(`${relative}/`)) continue;
        const real = await linkTarget(entry, full, relative, locations);
        if (visited.has(real)) continue;
        visited.add(real);
        await walk(full, relative);
      } else if (kind === 'file') {
        const lower = entry.name.toLowerCase();
        if (!endings.some((e) => lower.endsWith(e))) continue;
        if (excluded(relative) || !inPartitionFolders(relative, partitions)) continue;
        refuseGlobCharacters(relative);
        await linkTarget(entry, full, relative, locations);
        files.push({ path: full, relative, sizeBytes: (await stat(full)).size });
      }
    }
  };
  await walk(folder, '');
  return files;
}

async function kindOf(entry: Dirent, full: string): Promise<'file' | 'folder' | 'other'> {
  if (entry.isSymbolicLink()) {
    // A dangling link is no file of the table.
    const target = await stat(full).catch(() => undefined);
    if (target === undefined) return 'other';
    return target.isDirectory() ? 'folder' : target.isFile() ? 'file' : 'other';
  }
  return entry.isDirectory() ? 'folder' : entry.isFile() ? 'file' : 'other';
}

/** The real path of a linked entry, refused when it points outside the allowed locations. */
async function linkTarget(
  entry: Dirent,
  full: string,
  relative: string,
  locations: ExternalLocations,
): Promise<string> {
  if (!entry.isSymbolicLink()) return full;
  const real = await realpath(full);
  const shown = `The link ${relative} of an external table (to ${real})`;
  await locations.requireInside(real, shown, path.dirname(real));
  return real;
}

/**
 * DuckDB expands * ? [ ] in the paths it is given, so such a file would read its
 * neighbours too (rows twice, or files an exclusion left out).
 */
function refuseGlobCharacters(relative: string): void {
  if (!/[*?[\]]/.test(relative)) return;
  throw new InvalidInput(
    'EXTERNAL_FILE_NAME_UNREADABLE',
    `The raw file ${relative} has a name with * ? [ or ], which DuckDB reads as a pattern.`,
    { hint: 'Rename the file, or exclude it with an exclusion glob of the table.' },
  );
}

/** A partitioned table reads only files below a `name=value` folder of each partition column. */
function inPartitionFolders(relative: string, partitions: string[]): boolean {
  if (partitions.length === 0) return true;
  const keys = new Set(
    relative
      .split('/')
      .slice(0, -1)
      .filter((segment) => segment.includes('='))
      .map((segment) => segment.slice(0, segment.indexOf('=')).toLowerCase()),
  );
  return partitions.every((p) => keys.has(p));
}
