import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExternalFormat, ExternalLocations, TableDescription } from '../catalog/index.js';
import { fileEndings, localPathOf } from '../catalog/index.js';
import { readParquetFooters } from '../engine/index.js';
import type { Session } from '../engine/index.js';
import { LakewardError, NotFound } from '../errors/index.js';
import { classify, type DataFormat } from './classification.js';
import type { CrawlReport, SkippedPath, TableOutcome } from './contract.js';
import { discover, folderOf, type FoundFile } from './discovery.js';
import { groupIntoTables, type DataFile, type TableCandidate } from './grouping.js';
import {
  CRAWLED,
  register,
  registeredButMissing,
  type Deprecate,
  type Registration,
} from './registration.js';
import { inferTable } from './table-inference.js';

export interface CrawlDeps {
  locations: ExternalLocations;
  openSession: () => Promise<Session>;
  deprecate?: Deprecate;
}

/** Skipped paths listed in a report; the summary counts all of them. */
const MAX_SKIPPED_LISTED = 1000;
/** Files whose heads are read at the same time. */
const PARALLEL_READS = 16;

interface Found {
  root: string;
  target: string;
  candidate: TableCandidate;
}

/**
 * One run of a crawler: lists its targets, classifies and groups the files, infers each
 * table, and registers or updates it as the owner (so every change is governed and
 * audited like the owner's own); in `all` mode, tables whose files are gone are handled
 * per the deletion policy. Returns the report and the folders it looked at.
 */
export async function crawl(
  deps: CrawlDeps,
  r: Registration,
  seenFolders: Set<string>,
): Promise<{ report: CrawlReport; folders: string[] }> {
  const { crawler } = r;
  const partial = crawler.recrawl === 'new_folders';
  const skipped: SkippedPath[] = [];
  const outcomes: TableOutcome[] = [];
  const folders = new Set<string>();
  const found: Found[] = [];
  const parquetRows = new Map<string, number>();
  let filesSeen = 0;
  const session = await deps.openSession();
  try {
    for (const target of crawler.targets) {
      const root = await targetFolder(deps.locations, target);
      if (root === undefined) {
        skipped.push({
          path: target,
          kind: 'unclassified',
          reason: 'the target folder no longer exists',
        });
        continue;
      }
      const discovery = await discover(root, crawler.exclude);
      skipped.push(...discovery.skipped.map((s) => ({ ...s, path: path.join(root, s.path) })));
      filesSeen += discovery.files.length;
      const fresh = discovery.files.filter((f) => {
        const key = `${target}|${folderOf(f.rel)}`;
        folders.add(key);
        return !partial || !seenFolders.has(key);
      });
      const data = await classifyAll(fresh, skipped);
      const readable = await withParquetColumns(session, data, parquetRows, skipped);
      const grouped = groupIntoTables(readable, path.basename(root));
      skipped.push(...grouped.skipped.map((s) => ({ ...s, path: path.join(root, s.path) })));
      found.push(...grouped.tables.map((candidate) => ({ root, target, candidate })));
    }
    const ours = await registeredTables(r);
    const listed = new Set(
      (await r.catalog.listTables(r.runAs, crawler.namespace)).map((t) => t.name),
    );
    const names = tableNames(found, crawler.tablePrefix);
    for (const [i, f] of found.entries()) {
      const ident = { namespace: crawler.namespace, name: names[i]! };
      const existing = ours.get(ident.name);
      ours.delete(ident.name);
      if (existing === undefined && listed.has(ident.name)) {
        skipped.push({
          path: path.join(f.root, f.candidate.folder),
          kind: 'name_taken',
          reason: `the table ${ident.name} exists and was not registered by this crawler; change the table prefix`,
        });
        continue;
      }
      outcomes.push(await registerOne(session, r, f, ident, existing, partial, parquetRows));
    }
    if (!partial) {
      for (const table of ours.values()) {
        const location = table.external?.location ?? table.properties[CRAWLED.sourceLocation];
        const gone = location === undefined || !existsSync(localPathOf(location));
        const why = gone
          ? `its folder ${location ?? ''} no longer exists`
          : `no data files of the table are left under ${location}`;
        outcomes.push(await registeredButMissing(r, table, why, deps.deprecate));
      }
    }
  } finally {
    session.close();
  }
  return { report: reportOf(filesSeen, outcomes, skipped), folders: [...folders] };
}

async function registerOne(
  session: Session,
  r: Registration,
  f: Found,
  ident: { namespace: string[]; name: string },
  existing: TableDescription | undefined,
  partial: boolean,
  parquetRows: Map<string, number>,
): Promise<TableOutcome> {
  const { candidate } = f;
  try {
    const table = await inferTable(session, f.root, candidate, r.crawler.exclude, parquetRows);
    return await register(r, ident, { ...table, fileFormat: candidate.format }, existing, partial);
  } catch (err) {
    return {
      table: [...ident.namespace, ident.name].join('.'),
      location: pathToFileURL(path.join(f.root, candidate.folder)).href,
      format: candidate.format,
      files: candidate.files.length,
      action: 'not_registered',
      reason:
        err instanceof LakewardError
          ? `${err.code}: ${err.message}`
          : String(err instanceof Error ? err.message : err),
    };
  }
}

/** Data files that external tables can read; everything else goes to skipped, with why. */
async function classifyAll(files: FoundFile[], skipped: SkippedPath[]): Promise<DataFile[]> {
  const data: DataFile[] = [];
  for (let i = 0; i < files.length; i += PARALLEL_READS) {
    const batch = files.slice(i, i + PARALLEL_READS);
    const classes = await Promise.all(batch.map((f) => classify(f)));
    batch.forEach((file, j) => {
      const c = classes[j]!;
      if (c.kind !== 'data') {
        const kind = c.kind === 'unclassified' ? 'unclassified' : 'not_registered';
        skipped.push({ path: file.path, kind, reason: c.reason });
      } else if (!readableByName(file.rel, c.format)) {
        const endings = fileEndings(externalFormat(c.format)).join(', ');
        skipped.push({
          path: file.path,
          kind: 'not_registered',
          reason: `${c.format} content, but external tables read only files named ${endings}: rename it`,
        });
      } else {
        data.push({ ...file, class: c });
      }
    });
  }
  return data;
}

/** The target's real folder, checked against the external locations; undefined when gone. */
async function targetFolder(
  locations: ExternalLocations,
  target: string,
): Promise<string | undefined> {
  try {
    return (await locations.check(target)).folder;
  } catch (err) {
    if (err instanceof NotFound) return undefined;
    throw err;
  }
}

/** Parquet files get their column names and row counts from their footers, many at once. */
async function withParquetColumns(
  session: Session,
  files: DataFile[],
  rows: Map<string, number>,
  skipped: SkippedPath[],
): Promise<DataFile[]> {
  const parquet = files.filter((f) => f.class.format === 'parquet').map((f) => f.path);
  const footers = new Map<string, { rowCount: number; columnNames: string[] }>();
  for (let i = 0; i < parquet.length; i += 500) {
    const chunk = parquet.slice(i, i + 500);
    try {
      for (const [p, footer] of await readParquetFooters(session, chunk)) footers.set(p, footer);
    } catch {
      // One broken file fails the whole read; read one at a time to find it.
      for (const p of chunk) {
        const one = await readParquetFooters(session, [p]).catch(() => undefined);
        for (const [q, footer] of one ?? []) footers.set(q, footer);
      }
    }
  }
  return files.flatMap((file) => {
    if (file.class.format !== 'parquet') return [file];
    const footer = footers.get(file.path);
    if (footer === undefined) {
      skipped.push({
        path: file.path,
        kind: 'unclassified',
        reason: 'starts like Parquet but its footer cannot be read',
      });
      return [];
    }
    rows.set(file.path, footer.rowCount);
    const columnKey = footer.columnNames
      .map((c) => c.toLowerCase())
      .sort()
      .join('\u001f');
    return [{ ...file, class: { ...file.class, columnKey } }];
  });
}

/** Tables in the namespace that this crawler registered, by name. */
async function registeredTables(r: Registration): Promise<Map<string, TableDescription>> {
  const tables = new Map<string, TableDescription>();
  for (const t of await r.catalog.listTables(r.runAs, r.crawler.namespace)) {
    if (t.kind !== 'external') continue;
    const table = await r.catalog.describeTable(r.runAs, { namespace: t.namespace, name: t.name });
    if (table.properties[CRAWLED.crawlerName] === r.crawler.name) tables.set(t.name, table);
  }
  return tables;
}

/**
 * prefix + the folder's name, made a valid table name; when two folders give the same
 * name, both take their path instead (target name and folders, joined by _).
 */
function tableNames(found: Found[], prefix: string): string[] {
  const short = found.map((f) => sanitize(prefix + f.candidate.folderName));
  const counts = new Map<string, number>();
  for (const n of short) counts.set(n, (counts.get(n) ?? 0) + 1);
  return found.map((f, i) => {
    if (counts.get(short[i]!) === 1) return short[i]!;
    const parts = [path.basename(f.root), ...f.candidate.folder.split('/').filter((p) => p !== '')];
    return sanitize(prefix + parts.join('_'));
  });
}

export function sanitize(name: string): string {
  const clean = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  return /^[a-z_]/.test(clean) ? clean : `_${clean}`;
}

function reportOf(filesSeen: number, tables: TableOutcome[], skipped: SkippedPath[]): CrawlReport {
  const summary: Record<string, number> = {};
  for (const t of tables) summary[t.action] = (summary[t.action] ?? 0) + 1;
  for (const s of skipped) summary[`skipped_${s.kind}`] = (summary[`skipped_${s.kind}`] ?? 0) + 1;
  return { filesSeen, tables, skipped: skipped.slice(0, MAX_SKIPPED_LISTED), summary };
}

/** External tables pick their files by name; a file they would not read is no table file. */
function readableByName(rel: string, format: DataFormat): boolean {
  const name = rel.toLowerCase();
  return fileEndings(externalFormat(format)).some((ending) => name.endsWith(ending));
}

function externalFormat(format: DataFormat): ExternalFormat {
  return format === 'tsv' ? 'csv' : format;
}
