import { InvalidInput } from '../errors/index.js';
import { commitUpdate } from './commit.js';
import { deleteExpiredFiles, findExpiredFiles } from './expired-files.js';
import type { MetadataVersion } from './metadata-files.js';
import { removeSnapshots } from './remove-snapshots.js';
import { EXPIRY_DEFAULTS, EXPIRY_PROPERTIES, planRetention } from './snapshot-retention.js';
import type { RetentionPlan, RetentionRules } from './snapshot-retention.js';
import type {
  ExpireSnapshotsOptions,
  IcebergTable,
  SnapshotExpiry,
  TableContext,
} from './table-contract.js';
import { ancestorsOf } from './table-metadata.js';
import type { TableMetadata } from './types.js';

/** Refuses expiry on a table whose gc.enabled is false (its files may be another table's too). */
export function checkGcEnabled(properties: Record<string, string>, table: string): void {
  if (properties[EXPIRY_PROPERTIES.gcEnabled]?.trim().toLowerCase() === 'false') {
    throw new InvalidInput(
      'TABLE_GC_DISABLED',
      `Snapshots of ${table} are never expired: its property gc.enabled is false.`,
      { hint: 'remove the property (or set gc.enabled=true) if no other table shares its files' },
    );
  }
}

function numberProperty(
  properties: Record<string, string>,
  key: string,
  min: number,
): number | undefined {
  const text = properties[key];
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidInput(
      'INVALID_EXPIRY_PROPERTY',
      `Table property ${key} is "${text}", not a whole number of at least ${min}.`,
      { hint: `set it to a whole number, e.g. ${key}=${min === 1 ? 10 : 3_600_000}, or remove it` },
    );
  }
  return value;
}

/** What a table's history.expire.* properties ask for; undefined where they say nothing. */
export function tableRetention(properties: Record<string, string>): {
  maxSnapshotAgeMs: number | undefined;
  minSnapshotsToKeep: number | undefined;
} {
  return {
    maxSnapshotAgeMs: numberProperty(properties, EXPIRY_PROPERTIES.maxSnapshotAgeMs, 0),
    minSnapshotsToKeep: numberProperty(properties, EXPIRY_PROPERTIES.minSnapshotsToKeep, 1),
  };
}

/** The options, else the table's history.expire.* properties, else Iceberg's defaults. */
export function retentionRules(
  md: TableMetadata,
  options: ExpireSnapshotsOptions,
  now: number,
): Omit<RetentionRules, 'keep'> {
  const table = tableRetention(md.properties);
  const retainLast =
    options.retainLast ?? table.minSnapshotsToKeep ?? EXPIRY_DEFAULTS.minSnapshotsToKeep;
  if (!Number.isSafeInteger(retainLast) || retainLast < 1) {
    throw new InvalidInput(
      'INVALID_EXPIRY_OPTIONS',
      `Snapshots to retain must be a whole number of at least 1, not ${retainLast}.`,
      { hint: 'the current snapshot is always kept: retain at least 1, e.g. --retain-last 10' },
    );
  }
  const maxAge = table.maxSnapshotAgeMs ?? EXPIRY_DEFAULTS.maxSnapshotAgeMs;
  return {
    now,
    expireOlderThanMs: options.olderThanMs ?? now - maxAge,
    minSnapshotsToKeep: retainLast,
    maxRefAgeMs:
      numberProperty(md.properties, EXPIRY_PROPERTIES.maxRefAgeMs, 0) ??
      EXPIRY_DEFAULTS.maxRefAgeMs,
  };
}

const changes = (plan: RetentionPlan): boolean =>
  plan.removed.length > 0 || plan.removedRefs.length > 0;

/**
 * Whether an expiry with these options would remove anything, from the metadata alone
 * (no file is read); a keeper only keeps more, so it is left out.
 */
export function expiryDue(md: TableMetadata, options: ExpireSnapshotsOptions): boolean {
  return changes(planRetention(md, { ...retentionRules(md, options, Date.now()), keep: [] }));
}

/**
 * Expiry as one optimistic commit: each attempt plans against the newest metadata (a
 * writer may have committed meanwhile; its new snapshot is newer than the cut-off and
 * stays), and the files are looked at only after the commit stood, from what that
 * commit removed and kept.
 */
export async function expireSnapshots(
  ctx: TableContext,
  start: MetadataVersion,
  options: ExpireSnapshotsOptions,
  open: (version: MetadataVersion) => IcebergTable,
): Promise<SnapshotExpiry> {
  checkGcEnabled(start.metadata.properties, ctx.keyPrefix);
  const rules = retentionRules(start.metadata, options, Date.now());
  const plan = async (base: TableMetadata): Promise<RetentionPlan> => {
    const ancestry = ancestorsOf(base, base['current-snapshot-id']);
    const keep = options.keep === undefined ? [] : await options.keep(ancestry);
    return planRetention(base, { ...rules, keep });
  };
  const result = (table: IcebergTable, done: RetentionPlan): SnapshotExpiry => ({
    table,
    removed: done.removed,
    removedRefs: done.removedRefs,
    keptSnapshots: done.kept.length,
    olderThanMs: rules.expireOlderThanMs,
    retainLast: rules.minSnapshotsToKeep,
    files: { manifestLists: [], manifests: [], dataFiles: [], deleteFiles: [] },
    failures: [],
  });
  const first = await plan(start.metadata);
  if (options.dryRun === true || !changes(first)) {
    const unchanged = result(open(start), first);
    if (options.dryRun !== true) return unchanged;
    const found = await findExpiredFiles(ctx, first.removed, first.kept);
    return { ...unchanged, files: found.files, failures: problems(ctx, found.problems) };
  }
  let committed: RetentionPlan = first;
  const version = await commitUpdate(ctx, start, async (base) => {
    committed = base === start.metadata ? first : await plan(base);
    // Nothing left to remove after a race: the commit only records the attempt.
    if (!changes(committed)) return base;
    const removed = new Set(committed.removed.map((s) => s['snapshot-id']));
    return removeSnapshots(base, removed, committed.removedRefs);
  });
  const done = result(open(version), committed);
  try {
    const found = await findExpiredFiles(ctx, committed.removed, committed.kept);
    const cleanup = await deleteExpiredFiles(ctx, found.files);
    return {
      ...done,
      files: cleanup.deleted,
      failures: [...problems(ctx, found.problems), ...cleanup.failures],
    };
  } catch (err) {
    // Orphans are harmless; the commit that removed the snapshots stands.
    return { ...done, failures: [{ path: ctx.keyPrefix, error: String(err) }] };
  }
}

/** Steps of the file cleanup that were skipped, as failures of the table's folder. */
function problems(ctx: TableContext, list: string[]): SnapshotExpiry['failures'] {
  return list.map((error) => ({ path: ctx.keyPrefix, error }));
}
