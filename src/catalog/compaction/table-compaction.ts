import type { SessionOptions } from '../../engine/index.js';
import { InvalidInput, LakewardError } from '../../errors/index.js';
import type { Caller } from '../../governance/index.js';
import { auditResource } from '../../governance/index.js';
import type { Metastore } from '../../metastore/index.js';
import type { AccessGate } from '../access-gate.js';
import type { Catalog } from '../catalog.js';
import { tableSecurable } from '../catalog-securables.js';
import type { TableIdent } from '../contract.js';
import { icebergTablesWhere } from '../iceberg-tables.js';
import { formatTableName } from '../names.js';
import { planCompaction } from './compaction-plan.js';
import type { CompactionPlan, CompactionSettings } from './compaction-plan.js';
import { removeFiles, rewriteSmallFiles } from './rewrite-small-files.js';

export interface CompactionDefaults extends CompactionSettings {
  /** Plans tried when the commit finds a planned file gone (another writer replaced it). */
  maxAttempts: number;
}

export interface CompactOptions extends Partial<CompactionSettings> {
  /** Plan and report, write nothing. */
  dryRun?: boolean;
}

export interface CompactedPartition {
  partition: string;
  filesIn: number;
  bytesIn: number;
  rows: number;
}

export interface CompactionResult {
  table: string;
  dryRun: boolean;
  /** The compaction's snapshot; null when nothing was committed. */
  snapshotId: string | null;
  partitions: CompactedPartition[];
  filesIn: number;
  filesOut: number;
  bytesIn: number;
  bytesOut: number;
  rows: number;
  /** Plans made: more than one when a commit conflicted and the compaction planned again. */
  attempts: number;
}

/** Snapshot summary keys of a compaction; never stream keys, so stream writers skip it. */
export const COMPACTION_SUMMARY_KEYS = {
  compaction: 'lakeward.compaction',
  filesIn: 'lakeward.compaction.files-in',
  filesOut: 'lakeward.compaction.files-out',
  partitions: 'lakeward.compaction.partitions',
} as const;

export interface TableCompactionDeps {
  catalog: Pick<Catalog, 'open'>;
  /** Where the background task finds the tables to look at. */
  metastore: Pick<Metastore, 'namespaces' | 'tables'>;
  gate: AccessGate;
  /** The engine session compactions rewrite files in (a trusted one: no caller's policies apply). */
  session: SessionOptions;
  defaults: CompactionDefaults;
  /** The principal background compactions run (and are audited) as. */
  system: () => Promise<Caller>;
}

/**
 * Rewrites a table's small data files into larger ones, per partition, in one `replace`
 * snapshot: the rows do not change, so queries answer the same, time travel to earlier
 * snapshots still reads the old files, and writers keep appending meanwhile (appends
 * never remove files, so the commit simply lands on top of them). When another writer
 * removed a planned file first, the commit fails with COMMIT_CONFLICT and the whole
 * compaction is planned again, at most maxAttempts times; rows are never lost or doubled
 * because the old files are removed in the same commit that adds the new ones.
 */
export class TableCompaction {
  readonly #deps: TableCompactionDeps;

  constructor(deps: TableCompactionDeps) {
    this.#deps = deps;
  }

  /** Manual compaction: MODIFY on the table (as Databricks' OPTIMIZE asks), audited. */
  compact(
    caller: Caller,
    ident: TableIdent,
    options: CompactOptions = {},
  ): Promise<CompactionResult> {
    const settings = this.#settings(options);
    const securable = tableSecurable(ident);
    return this.#deps.gate.run(
      caller,
      'table.compact',
      auditResource(securable),
      async (check) => {
        await check.require('MODIFY', securable);
        return this.#compact(ident, settings, options.dryRun === true);
      },
      (r) => ({ snapshots: [{ table: r.table, snapshotId: r.snapshotId }] }),
    );
  }

  /**
   * One pass of the background task over the tables that want it (ingest_type=streaming
   * or compaction.enabled=true, unless compaction.enabled=false). Tables with nothing to
   * do are neither rewritten nor audited; the others are compacted as the system.
   */
  async compactDue(report: (table: string, err: unknown) => void): Promise<CompactionResult[]> {
    const done: CompactionResult[] = [];
    for (const ident of await this.#backgroundTables()) {
      try {
        const { table } = await this.#deps.catalog.open(ident);
        if ((await planCompaction(table, this.#deps.defaults)).groups.length === 0) continue;
        done.push(await this.compact(await this.#deps.system(), ident));
      } catch (err) {
        report(formatTableName(ident), err);
      }
    }
    return done;
  }

  async #compact(
    ident: TableIdent,
    settings: CompactionSettings,
    dryRun: boolean,
  ): Promise<CompactionResult> {
    const name = formatTableName(ident);
    const maxAttempts = this.#deps.defaults.maxAttempts;
    for (let attempt = 1; ; attempt++) {
      const { table } = await this.#deps.catalog.open(ident);
      const plan = await planCompaction(table, settings);
      const planned = { table: name, dryRun, attempts: attempt, ...planFacts(plan) };
      if (dryRun || plan.groups.length === 0) {
        return { ...planned, snapshotId: null, filesOut: 0, bytesOut: 0 };
      }
      const old = plan.groups.flatMap((g) => g.files);
      const written = await rewriteSmallFiles(table, plan.groups, {
        session: this.#deps.session,
        targetFileSizeBytes: settings.targetFileSizeBytes,
      });
      try {
        const committed = await table.replaceFiles(old, written.files, {
          operation: 'replace',
          baseSnapshotId: plan.baseSnapshotId,
          summary: {
            [COMPACTION_SUMMARY_KEYS.compaction]: 'true',
            [COMPACTION_SUMMARY_KEYS.filesIn]: String(old.length),
            [COMPACTION_SUMMARY_KEYS.filesOut]: String(written.files.length),
            [COMPACTION_SUMMARY_KEYS.partitions]: String(plan.groups.length),
          },
        });
        return {
          ...planned,
          snapshotId: committed.currentSnapshot()?.['snapshot-id'].toString() ?? null,
          filesOut: written.files.length,
          bytesOut: written.files.reduce((sum, f) => sum + Number(f.fileSizeInBytes), 0),
        };
      } catch (err) {
        // Only a refused commit is known not to reference the new files.
        if (!isCommitConflict(err)) throw err;
        await removeFiles(table, written.files);
        if (attempt >= maxAttempts) throw err;
      }
    }
  }

  #settings(options: CompactOptions): CompactionSettings {
    const { defaults } = this.#deps;
    const settings = {
      minFiles: options.minFiles ?? defaults.minFiles,
      targetFileSizeBytes: options.targetFileSizeBytes ?? defaults.targetFileSizeBytes,
      smallFileBytes: options.smallFileBytes ?? defaults.smallFileBytes,
    };
    const wrong = [
      ...(Number.isInteger(settings.minFiles) && settings.minFiles >= 2 ? [] : ['minFiles ≥ 2']),
      ...(settings.targetFileSizeBytes > 0 ? [] : ['targetFileSizeBytes > 0']),
      ...(settings.smallFileBytes > 0 ? [] : ['smallFileBytes > 0']),
    ];
    if (wrong.length > 0) {
      throw new InvalidInput(
        'INVALID_COMPACTION_OPTIONS',
        `Compaction options out of range: ${wrong.join(', ')} expected.`,
        { hint: 'For example --min-files 5 --target-file-size 128MB.' },
      );
    }
    return settings;
  }

  /** Every Iceberg table whose properties ask for background compaction. */
  #backgroundTables(): Promise<TableIdent[]> {
    return icebergTablesWhere(this.#deps.metastore, compactsInBackground);
  }
}

export function compactsInBackground(properties: Record<string, string>): boolean {
  const flag = properties['compaction.enabled'];
  if (flag === 'false') return false;
  return flag === 'true' || properties.ingest_type === 'streaming';
}

function planFacts(
  plan: CompactionPlan,
): Omit<
  CompactionResult,
  'table' | 'dryRun' | 'attempts' | 'snapshotId' | 'filesOut' | 'bytesOut'
> {
  const partitions = plan.groups.map((g) => ({
    partition: g.partition,
    filesIn: g.files.length,
    bytesIn: g.bytes,
    rows: g.rows,
  }));
  return {
    partitions,
    filesIn: partitions.reduce((sum, p) => sum + p.filesIn, 0),
    bytesIn: partitions.reduce((sum, p) => sum + p.bytesIn, 0),
    rows: partitions.reduce((sum, p) => sum + p.rows, 0),
  };
}

function isCommitConflict(err: unknown): boolean {
  return err instanceof LakewardError && err.code === 'COMMIT_CONFLICT';
}
