import { promises as fs } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { InvalidInput } from '../errors/index.js';

/** One file to load: its absolute path and size. */
export interface InputFile {
  path: string;
  sizeBytes: number;
}

/**
 * Turns the paths a user gave (files, folders, globs) into the files to load, each
 * once, in a stable order. Every path is checked before anything is read, so one bad
 * path stops the command before a single row is written.
 */
export async function expandInputs(paths: string[]): Promise<InputFile[]> {
  if (paths.length === 0) {
    throw new InvalidInput('NO_INPUT', 'No files to ingest were given.', {
      hint: 'Name one or more files, folders or globs, e.g. data/*.csv.',
    });
  }
  const seen = new Set<string>();
  const files: InputFile[] = [];
  for (const given of paths) {
    for (const file of await expandOne(given)) {
      if (seen.has(file.path)) continue;
      seen.add(file.path);
      files.push(file);
    }
  }
  return files;
}

async function expandOne(given: string): Promise<InputFile[]> {
  const absolute = path.resolve(given);
  const scan = picomatch.scan(absolute);
  if (scan.isGlob) return expandGlob(given, scan.base, absolute);
  const stat = await fs.stat(absolute).catch(() => undefined);
  if (stat === undefined) {
    throw new InvalidInput('FILE_NOT_FOUND', `File not found: ${absolute}`, {
      hint: 'Check the path; relative paths are resolved from the current directory.',
      details: { path: absolute },
    });
  }
  if (stat.isDirectory()) {
    const found = await walk(absolute);
    if (found.length === 0) {
      throw new InvalidInput('NO_FILES_MATCHED', `The folder ${absolute} holds no data files.`, {
        hint: 'Point at a folder with csv, json or parquet files (hidden files are skipped).',
      });
    }
    return found;
  }
  return [{ path: absolute, sizeBytes: stat.size }];
}

async function expandGlob(given: string, base: string, pattern: string): Promise<InputFile[]> {
  const isMatch = picomatch(pattern, { dot: false });
  const root = base === '' ? path.parse(pattern).root : base;
  const stat = await fs.stat(root).catch(() => undefined);
  const found = stat?.isDirectory() ? (await walk(root)).filter((f) => isMatch(f.path)) : [];
  if (found.length === 0) {
    throw new InvalidInput('NO_FILES_MATCHED', `No files match ${given}.`, {
      hint: `Check the pattern; it was looked up from ${root}. Quote it so the shell does not expand it.`,
      details: { pattern: given },
    });
  }
  return found;
}

/** Files below a folder, sorted; Spark/Hadoop markers and hidden files are not data. */
async function walk(dir: string): Promise<InputFile[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: InputFile[] = [];
  for (const entry of entries) {
    if (isIgnored(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(full)));
    else if (entry.isFile()) files.push({ path: full, sizeBytes: (await fs.stat(full)).size });
  }
  return files;
}

function isIgnored(name: string): boolean {
  return (
    name.startsWith('.') || name.startsWith('_') || name.endsWith('.crc') || name.endsWith('.tmp')
  );
}
