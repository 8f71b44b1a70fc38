import type { Caller } from '../../governance/index.js';
import { auditResource } from '../../governance/index.js';
import { checkGcEnabled, EXPIRY_DEFAULTS, expiryDue, tableRetention } from '../../iceberg/index.js';
import type {
  ExpireSnapshotsOptions,
  IcebergTable,
  SnapshotExpiry,
  SnapshotKeeper,
} from '../../iceberg/index.js';
import type { Metastore } from '../../metastore/index.js';
import type { AccessGate } from '../access-gate.js';
import type { Catalog } from '../catalog.js';
import { tableSecurable } from '../catalog-securables.js';
import type { TableIdent } from '../contract.js';
import { icebergTablesWhere } from '../iceberg-tables.js';
import { formatTableName } from '../names.js';
import { checkRetainLast, parseOlderThan, type ExpireSnapshotsRequest } from './expiry-request.js';

/** Retention of tables expired in the background, unless their history.expire.* say otherwise. */
export interface SnapshotExpiryDefaults {
  maxSnapshotAgeMs: number;
  minSnapshotsToKeep: number;
}

/** Removed snapshot ids listed in a result; a day of streaming would be 86,400 of them. */
const LISTED_IDS = 1000;

export interface SnapshotExpiryResult {
  table: string;
  dryRun: boolean;
  /** The cut-off: snapshots committed before it were (or would be) removed. */
  olderThan: string;
  retainLast: number;
  snapshotsRemoved: number;
  snapshotsKept: number;
  /** The removed snapshots, oldest first (at most 1000; snapshotsRemoved counts all). */
  removedSnapshotIds: string[];
  refsRemoved: string[];
  /** Files deleted (on a dry run: that would be deleted), by kind. */
  filesDeleted: {
    manifestLists: number;
    manifests: number;
    dataFiles: number;
    deleteFiles: number;
  };
  /** Files that could not be deleted (harmless orphans) and cleanup steps skipped. */
  failures: { path: string; error: string }[];
}

export interface TableSnapshotExpiryDeps {
  catalog: Pick<Catalog, 'open'>;
  /** Where the background task finds the tables to look at. */
  metastore: Pick<Metastore, 'namespaces' | 'tables'>;
  gate: AccessGate;
  /** Retention of streaming tables (and of tables with snapshot-expiry.enabled=true). */
  defaults: SnapshotExpiryDefaults;
  /**
   * Snapshots other parts need, whatever their age: the streams' positions. Given by the
   * wiring, so the catalog knows nothing of streams.
   */
  keep: SnapshotKeeper;
  /** The principal background expiries run (and are audited) as. */
  system: () => Promise<Caller>;
}

/** Tables expired in the background: streaming ones, and those that ask; never with gc.enabled=false. */
export function expiresInBackground(properties: Record<string, string>): boolean {
  if (properties['gc.enabled']?.toLowerCase() === 'false') return false;
  const flag = properties['snapshot-expiry.enabled'];
  if (flag === 'false') return false;
  return flag === 'true' || properties.ingest_type === 'streaming';
}

/**
 * Removes a table's old snapshots (Iceberg's expire_snapshots) and the files only they
 * reached, keeping at least the newest `retainLast` of the current history, every ref's
 * snapshots and the snapshots `keep` names. Query results do not change: the current
 * snapshot and its files always stay; time travel to a removed snapshot answers
 * SNAPSHOT_NOT_FOUND.
 */
export class TableSnapshotExpiry {
  readonly #deps: TableSnapshotExpiryDeps;

  constructor(deps: TableSnapshotExpiryDeps) {
    this.#deps = deps;
  }

  /** MODIFY on the table, as compaction (both rewrite what the table holds), audited. */
  async expire(
    caller: Caller,
    ident: TableIdent,
    request: ExpireSnapshotsRequest = {},
  ): Promise<SnapshotExpiryResult> {
    const now = Date.now();
    const options = {
      ...(request.olderThan === undefined
        ? {}
        : { olderThanMs: parseOlderThan(request.olderThan, now) }),
      ...(request.retainLast === undefined
        ? {}
        : { retainLast: checkRetainLast(request.retainLast) }),
    };
    const securable = tableSecurable(ident);
    return this.#deps.gate.run(
      caller,
      'table.expire-snapshots',
      auditResource(securable),
      async (check) => {
        await check.require('MODIFY', securable);
        const { record, table } = await this.#deps.catalog.open(ident);
        const resolved = this.#options(ident, table, record.properties, options, now);
        const expiry = await table.expireSnapshots({
          ...resolved,
          keep: this.#deps.keep,
          dryRun: request.dryRun === true,
        });
        return toResult(formatTableName(ident), request.dryRun === true, expiry);
      },
    );
  }

  /**
   * One pass of the background task: tables that want it and have snapshots past their
   * retention are expired as the system (and audited); the others are not touched.
   */
  async expireDue(report: (table: string, err: unknown) => void): Promise<SnapshotExpiryResult[]> {
    const done: SnapshotExpiryResult[] = [];
    for (const ident of await icebergTablesWhere(this.#deps.metastore, expiresInBackground)) {
      try {
        const { record, table } = await this.#deps.catalog.open(ident);
        if (!expiresInBackground({ ...table.metadata.properties, ...record.properties })) continue;
        const options = this.#options(ident, table, record.properties, {}, Date.now());
        if (!expiryDue(table.metadata, options)) continue;
        done.push(await this.expire(await this.#deps.system(), ident));
      } catch (err) {
        report(formatTableName(ident), err);
      }
    }
    return done;
  }

  /**
   * The request, else the table's history.expire.* (its catalog properties over its Iceberg
   * ones), else for streaming tables the configured defaults, else Iceberg's.
   */
  #options(
    ident: TableIdent,
    table: IcebergTable,
    catalogProperties: Record<string, string>,
    request: Pick<ExpireSnapshotsOptions, 'olderThanMs' | 'retainLast'>,
    now: number,
  ): Required<Pick<ExpireSnapshotsOptions, 'olderThanMs' | 'retainLast'>> {
    const properties = { ...table.metadata.properties, ...catalogProperties };
    checkGcEnabled(properties, formatTableName(ident));
    const own = tableRetention(properties);
    const fallback = expiresInBackground(properties) ? this.#deps.defaults : EXPIRY_DEFAULTS;
    return {
      olderThanMs: request.olderThanMs ?? now - (own.maxSnapshotAgeMs ?? fallback.maxSnapshotAgeMs),
      retainLast: request.retainLast ?? own.minSnapshotsToKeep ?? fallback.minSnapshotsToKeep,
    };
  }
}

function toResult(table: string, dryRun: boolean, expiry: SnapshotExpiry): SnapshotExpiryResult {
  const removed = [...expiry.removed].sort((a, b) => a['timestamp-ms'] - b['timestamp-ms']);
  return {
    table,
    dryRun,
    olderThan: new Date(expiry.olderThanMs).toISOString(),
    retainLast: expiry.retainLast,
    snapshotsRemoved: removed.length,
    snapshotsKept: expiry.keptSnapshots,
    removedSnapshotIds: removed.slice(0, LISTED_IDS).map((s) => String(s['snapshot-id'])),
    refsRemoved: expiry.removedRefs,
    filesDeleted: {
      manifestLists: expiry.files.manifestLists.length,
      manifests: expiry.files.manifests.length,
      dataFiles: expiry.files.dataFiles.length,
      deleteFiles: expiry.files.deleteFiles.length,
    },
    failures: expiry.failures,
  };
}
