import { ancestorsOf } from './table-metadata.js';
import type { Snapshot, SnapshotRef, TableMetadata } from './types.js';

/** The Iceberg table properties that govern snapshot expiry (spec, "Table Properties"). */
export const EXPIRY_PROPERTIES = {
  maxSnapshotAgeMs: 'history.expire.max-snapshot-age-ms',
  minSnapshotsToKeep: 'history.expire.min-snapshots-to-keep',
  maxRefAgeMs: 'history.expire.max-ref-age-ms',
  /** false: files of this table may be shared with another, so nothing is ever expired. */
  gcEnabled: 'gc.enabled',
} as const;

/** Iceberg's defaults: 5 days, keep 1, refs never age out. */
export const EXPIRY_DEFAULTS = {
  maxSnapshotAgeMs: 5 * 24 * 60 * 60 * 1000,
  minSnapshotsToKeep: 1,
  maxRefAgeMs: Number.MAX_SAFE_INTEGER,
} as const;

export interface RetentionRules {
  /** The instant the ages are measured from. */
  now: number;
  /** Snapshots committed before this instant may be removed (branches may say otherwise). */
  expireOlderThanMs: number;
  /** A branch head and its newest ancestors, this many in all, are always kept. */
  minSnapshotsToKeep: number;
  /** Tags and branches (never main) whose snapshot is older than this are removed. */
  maxRefAgeMs: number;
  /** Snapshots a caller needs whatever their age (see SnapshotKeeper). */
  keep: readonly bigint[];
}

export interface RetentionPlan {
  removed: Snapshot[];
  kept: Snapshot[];
  /** Refs dropped because they aged out (or name a snapshot that does not exist). */
  removedRefs: string[];
}

const MAIN = 'main';

/**
 * The table's branches: its refs, plus the current snapshot as main when the metadata
 * predates refs (v1-style metadata that only records current-snapshot-id).
 */
function refsOf(md: TableMetadata): Record<string, SnapshotRef> {
  const current = md['current-snapshot-id'];
  if (md.refs[MAIN] !== undefined || current === undefined) return md.refs;
  return { ...md.refs, [MAIN]: { 'snapshot-id': current, type: 'branch' } };
}

function retainedRefs(
  md: TableMetadata,
  refs: Record<string, SnapshotRef>,
  rules: RetentionRules,
): Map<string, SnapshotRef> {
  const byId = new Map(md.snapshots.map((s) => [s['snapshot-id'], s]));
  const kept = new Map<string, SnapshotRef>();
  for (const [name, ref] of Object.entries(refs)) {
    const snapshot = byId.get(ref['snapshot-id']);
    if (name === MAIN) kept.set(name, ref);
    else if (
      snapshot !== undefined &&
      rules.now - snapshot['timestamp-ms'] <= (ref['max-ref-age-ms'] ?? rules.maxRefAgeMs)
    ) {
      kept.set(name, ref);
    }
  }
  return kept;
}

/**
 * Which snapshots survive an expiry (the rules of Iceberg's ExpireSnapshots): every
 * retained branch keeps its head and ancestors while fewer than its minimum are kept or
 * they are newer than its cut-off; a tag keeps its snapshot; a snapshot no ref reaches is
 * kept while newer than the cut-off. On top of that, each `keep` snapshot that is an
 * ancestor of a branch head is kept together with every ancestor between it and the head:
 * callers find such snapshots by walking the history from the head, which stops at the
 * first snapshot that is gone.
 */
export function planRetention(md: TableMetadata, rules: RetentionRules): RetentionPlan {
  const refs = refsOf(md);
  const kept = retainedRefs(md, refs, rules);
  const retain = new Set<bigint>();
  const reachable = new Set<bigint>();
  const wanted = new Set(rules.keep);
  for (const ref of kept.values()) {
    retain.add(ref['snapshot-id']);
    if (ref.type !== 'branch') {
      reachable.add(ref['snapshot-id']);
      continue;
    }
    const olderThan =
      ref['max-snapshot-age-ms'] === undefined
        ? rules.expireOlderThanMs
        : rules.now - ref['max-snapshot-age-ms'];
    const minimum = ref['min-snapshots-to-keep'] ?? rules.minSnapshotsToKeep;
    const ancestry = ancestorsOf(md, ref['snapshot-id']);
    const deepestWanted = ancestry.findLastIndex((s) => wanted.has(s['snapshot-id']));
    // Retention stops at the first ancestor that goes: one kept below it could no longer
    // be reached from the head (and clocks of other writers may not run monotonically).
    let retaining = true;
    ancestry.forEach((snapshot, depth) => {
      reachable.add(snapshot['snapshot-id']);
      retaining &&=
        depth < minimum || snapshot['timestamp-ms'] >= olderThan || depth <= deepestWanted;
      if (retaining) retain.add(snapshot['snapshot-id']);
    });
  }
  for (const snapshot of md.snapshots) {
    const id = snapshot['snapshot-id'];
    if (wanted.has(id)) retain.add(id);
    if (!reachable.has(id) && snapshot['timestamp-ms'] >= rules.expireOlderThanMs) retain.add(id);
  }
  return {
    removed: md.snapshots.filter((s) => !retain.has(s['snapshot-id'])),
    kept: md.snapshots.filter((s) => retain.has(s['snapshot-id'])),
    removedRefs: Object.keys(md.refs).filter((name) => !kept.has(name)),
  };
}
