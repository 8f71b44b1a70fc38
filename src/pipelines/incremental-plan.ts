import { formatTableName, identOfReference } from '../catalog/index.js';
import type { Catalog, TableIdent } from '../catalog/index.js';
import type { QueryEngine } from '../engine/index.js';
import type { IcebergTable } from '../iceberg/index.js';
import type { JobDefinition } from './contract.js';
import { filesAddedSince, previousRun } from './incremental.js';
import type { NarrowedSource } from './job-sources.js';
import type { WriteMode } from './write-modes.js';

/** How an incremental run reads its sources and writes its target. */
export interface IncrementalPlan {
  /** new-files: each source narrowed to what it gained; all: every row (first run or recompute). */
  read: 'all' | 'new-files';
  /** merge on keys, else append; a recompute replaces the whole target (overwrite). */
  write: WriteMode;
  narrowed: Map<string, NarrowedSource>;
  /** SQL comment lines saying what the run reads and why (they lead the SQL that runs). */
  explanation: string[];
}

/**
 * Plans an incremental run from the source snapshots the job's last commit recorded in
 * the target's summary. Each source is narrowed to the data files its append snapshots
 * added since then. When that cannot be told (a source was overwritten or had rows
 * deleted, its history no longer holds that snapshot, a source is new to the job, or
 * the job's definition changed), the run recomputes from every row and replaces the
 * target (overwrite), so rows removed upstream go too; the first run reads every row
 * and appends (or merges on keys).
 */
export async function planIncremental(
  deps: { catalog: Catalog; engine: Pick<QueryEngine, 'analyze'> },
  job: JobDefinition,
  target: IcebergTable | undefined,
): Promise<IncrementalPlan> {
  const incremental: WriteMode = job.keys.length > 0 ? 'merge' : 'append';
  const previous = previousRun(target, job.name);
  if (previous === undefined) {
    return all(incremental, `first run of ${job.name} into this table: every source row is read`);
  }
  const recompute = (why: string) => all('overwrite', `full recompute: ${why}`);
  if (previous.version !== job.version) {
    return recompute(`the job changed (version ${previous.version} → ${job.version})`);
  }
  const { tables } = await deps.engine.analyze(job.sql);
  const sources = new Map<string, TableIdent>();
  for (const ref of tables.filter((t) => t.at === undefined)) {
    const ident = identOfReference(ref.parts);
    sources.set(formatTableName(ident), ident);
  }
  const narrowed = new Map<string, NarrowedSource>();
  const explanation = [`incremental run: data files added since run ${previous.runId}`];
  for (const [name, ident] of [...sources].sort(([a], [b]) => a.localeCompare(b))) {
    if (!previous.sources.has(name)) return recompute(`${name} is a new source`);
    const table = await deps.catalog.loadTable(ident).catch(() => undefined);
    if (table === undefined) return recompute(`${name} is not an Iceberg table`);
    const since = previous.sources.get(name) ?? null;
    const added = await filesAddedSince(table, name, since);
    if (added.kind === 'recompute') return recompute(added.reason);
    const files = added.files.map((f) => f.filePath);
    narrowed.set(name, { snapshotId: added.snapshotId, files: new Set(files) });
    explanation.push(
      `${name}: ${files.length} data file(s) added after snapshot ${since} up to ${added.snapshotId}`,
    );
  }
  return { read: 'new-files', write: incremental, narrowed, explanation };
}

function all(write: WriteMode, why: string): IncrementalPlan {
  return { read: 'all', write, narrowed: new Map(), explanation: [why] };
}
