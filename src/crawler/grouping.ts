import type { SkippedPath } from './contract.js';
import type { Compression, DataFormat, FileClass } from './classification.js';
import type { FoundFile } from './discovery.js';

export type DataFile = FoundFile & { class: Extract<FileClass, { kind: 'data' }> };

/** Files that make one table: a folder, its format, and its key=value partition levels. */
export interface TableCandidate {
  /** The table's folder relative to the target ('' for the target itself). */
  folder: string;
  /** The folder's own name (the target's name for the target). */
  folderName: string;
  format: DataFormat;
  compression: Compression;
  files: DataFile[];
  /** Keys of key=value folders, outermost first. */
  partitionKeys: string[];
  /** Globs relative to the folder for what lies below it but is not part of the table. */
  exclude: string[];
}

interface Folder {
  rel: string;
  name: string;
  files: DataFile[];
  children: Map<string, Folder>;
}

type Summary =
  | { state: 'empty' }
  | { state: 'mixed' }
  | {
      state: 'uniform';
      signature: string;
      files: DataFile[];
      partitionKeys: string[];
      exclude: string[];
    };

const KEY_VALUE = /^([^=]+)=(.*)$/;
const DATASET_FOLDER = /\.(parquet|csv|tsv|json|ndjson|jsonl|orc|avro)$/i;

/**
 * Groups data files into tables as Glue does: a folder of files with one format and
 * the same columns is a table; key=value subfolders with the same columns are its
 * partitions; two or more sibling folders with the same columns are one table at their
 * parent; folders that differ are tables of their own. A folder named like a file
 * (`2010-summary.parquet/part-….parquet`, what Spark writes) is one dataset and belongs
 * to its parent's table.
 */
export function groupIntoTables(
  files: DataFile[],
  targetName: string,
): { tables: TableCandidate[]; skipped: SkippedPath[] } {
  const root: Folder = { rel: '', name: targetName, files: [], children: new Map() };
  for (const file of files) folderFor(root, file.rel).files.push(file);
  const tables: TableCandidate[] = [];
  const skipped: SkippedPath[] = [];
  const emit = (folder: Folder, s: Extract<Summary, { state: 'uniform' }>) => {
    const first = s.files[0]!.class;
    tables.push({
      folder: folder.rel,
      folderName: folder.name,
      format: first.format,
      compression: first.compression,
      files: s.files,
      partitionKeys: s.partitionKeys,
      exclude: s.exclude,
    });
  };

  const visit = (folder: Folder): Summary => {
    const children = [...folder.children.values()]
      .map((child) => ({ child, summary: visit(child) }))
      .filter((c) => c.summary.state !== 'empty');
    const own = mainGroup(folder, skipped);
    const uniform = children.flatMap((c) =>
      c.summary.state === 'uniform' ? [{ child: c.child, summary: c.summary }] : [],
    );
    if (children.length === 0) return own ?? { state: 'empty' };
    const keys = children.map((c) => KEY_VALUE.exec(c.child.name)?.[1]);
    const allKeyValue = keys.every((k) => k !== undefined) && new Set(keys).size === 1;
    const nonePartition = keys.every((k) => k === undefined);
    const signature = uniform[0]?.summary.signature;
    const partitionKeys = uniform[0]?.summary.partitionKeys.join('/');
    const mergeable =
      uniform.length === children.length &&
      uniform.every(
        (u) =>
          u.summary.signature === signature && u.summary.partitionKeys.join('/') === partitionKeys,
      ) &&
      (allKeyValue || (nonePartition && children.length >= 2)) &&
      own === undefined;
    if (mergeable) {
      const below = uniform.flatMap((u) => u.summary.exclude.map((g) => `${u.child.name}/${g}`));
      return {
        state: 'uniform',
        signature: signature!,
        files: uniform.flatMap((u) => u.summary.files),
        partitionKeys: allKeyValue
          ? [keys[0]!, ...uniform[0]!.summary.partitionKeys]
          : uniform[0]!.summary.partitionKeys,
        exclude: below,
      };
    }
    for (const u of uniform) emit(u.child, u.summary);
    if (own !== undefined) {
      // The folder's own files are a table; what its subfolders hold is not part of it.
      emit(folder, {
        ...own,
        exclude: [...own.exclude, ...children.map((c) => `${c.child.name}/**`)],
      });
    }
    return { state: 'mixed' };
  };

  const top = visit(root);
  if (top.state === 'uniform') emit(root, top);
  return { tables, skipped };
}

/**
 * The folder's own files with the most common format and columns; files that differ
 * are left out of the table (and reported), since a table has one schema.
 */
function mainGroup(
  folder: Folder,
  skipped: SkippedPath[],
): Extract<Summary, { state: 'uniform' }> | undefined {
  if (folder.files.length === 0) return undefined;
  const bySignature = new Map<string, DataFile[]>();
  for (const file of folder.files) {
    const key = signatureOf(file);
    bySignature.set(key, [...(bySignature.get(key) ?? []), file]);
  }
  const groups = [...bySignature.entries()].sort((a, b) => b[1].length - a[1].length);
  const [signature, files] = groups[0]!;
  const exclude: string[] = [];
  for (const [, others] of groups.slice(1)) {
    for (const file of others) {
      const inFolder = folder.rel === '' ? file.rel : file.rel.slice(folder.rel.length + 1);
      exclude.push(inFolder);
      skipped.push({
        path: file.rel,
        kind: 'schema_mismatch',
        reason: `its format or columns differ from the ${files.length} other file(s) of the folder; move it to a folder of its own`,
      });
    }
  }
  return { state: 'uniform', signature, files, partitionKeys: [], exclude };
}

function signatureOf(file: DataFile): string {
  return `${file.class.format}|${file.class.compression}|${file.class.columnKey}`;
}

/** The folder a file belongs to: its own, or the parent of a dataset folder it is in. */
function folderFor(root: Folder, rel: string): Folder {
  const parts = rel.split('/').slice(0, -1);
  let folder = root;
  for (const part of parts) {
    if (DATASET_FOLDER.test(part) && !KEY_VALUE.test(part)) break;
    let child = folder.children.get(part);
    if (child === undefined) {
      child = {
        rel: folder.rel === '' ? part : `${folder.rel}/${part}`,
        name: part,
        files: [],
        children: new Map(),
      };
      folder.children.set(part, child);
    }
    folder = child;
  }
  return folder;
}

/** A partition key's type from every value seen: integers, dates, or text. */
export function partitionColumns(candidate: TableCandidate): { name: string; type: string }[] {
  return candidate.partitionKeys.map((key) => {
    const values = new Set<string>();
    for (const file of candidate.files) {
      for (const part of file.rel.split('/')) {
        const kv = KEY_VALUE.exec(part);
        if (kv?.[1] === key) values.add(decodeURIComponent(kv[2]!));
      }
    }
    return { name: key, type: valueType([...values]) };
  });
}

function valueType(values: string[]): string {
  if (values.length === 0) return 'string';
  if (values.every((v) => /^-?\d{1,18}$/.test(v))) return 'long';
  const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v));
  if (values.every(isDate)) return 'date';
  return 'string';
}
