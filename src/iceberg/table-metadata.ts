import { InternalError, NotFound } from '../errors/index.js';
import type { PartitionSpec, Schema, Snapshot, TableMetadata } from './types.js';

/** Look-ups into table metadata that the rest of the table code shares. */

export function schemaOf(md: TableMetadata, schemaId: number): Schema {
  const schema = md.schemas.find((s) => s['schema-id'] === schemaId);
  if (!schema) throw new InternalError(`Table metadata has no schema ${schemaId}.`);
  return schema;
}

export function specOf(md: TableMetadata, specId: number): PartitionSpec {
  const spec = md['partition-specs'].find((s) => s['spec-id'] === specId);
  if (!spec) throw new InternalError(`Table metadata has no partition spec ${specId}.`);
  return spec;
}

/** The schema a snapshot was written with; the current one when it did not record it. */
export function snapshotSchema(md: TableMetadata, snapshot: Snapshot): Schema {
  const id = snapshot['schema-id'];
  return id !== undefined && md.schemas.some((s) => s['schema-id'] === id)
    ? schemaOf(md, id)
    : schemaOf(md, md['current-schema-id']);
}

export function findSnapshot(md: TableMetadata, id: bigint): Snapshot {
  const snapshot = md.snapshots.find((s) => s['snapshot-id'] === id);
  if (!snapshot) {
    const known = md.snapshots.map((s) => String(s['snapshot-id']));
    throw new NotFound(
      'SNAPSHOT_NOT_FOUND',
      `The table has no snapshot ${id}: it never existed or has been expired.`,
      {
        hint:
          known.length > 0
            ? `the oldest snapshot kept is ${known[0]}; newest: ${known.slice(-10).join(', ')}`
            : 'the table has no snapshots yet',
        details: { snapshots: known },
      },
    );
  }
  return snapshot;
}

/** The snapshot and its ancestors, newest first. */
export function ancestorsOf(md: TableMetadata, id: bigint | undefined): Snapshot[] {
  const byId = new Map(md.snapshots.map((s) => [s['snapshot-id'], s]));
  const chain: Snapshot[] = [];
  let next = id === undefined ? undefined : byId.get(id);
  while (next && chain.length <= md.snapshots.length) {
    chain.push(next);
    const parent = next['parent-snapshot-id'];
    next = parent === undefined ? undefined : byId.get(parent);
  }
  return chain;
}
