import { Conflict, InvalidInput } from '../errors/index.js';
import { fieldById, schemasEqual } from './schema.js';
import { applySchemaChanges } from './schema-evolution.js';
import type { SchemaChange } from './table-contract.js';
import { ancestorsOf, findSnapshot, schemaOf, specOf } from './table-metadata.js';
import type { TableMetadata } from './types.js';

/** Metadata changes that make no snapshot: schema, current snapshot, properties. */

function touched(base: TableMetadata): Pick<TableMetadata, 'last-updated-ms'> {
  return { 'last-updated-ms': Math.max(Date.now(), base['last-updated-ms']) };
}

/** Applies schema changes planned against `plannedSchemaId`; another writer's schema change in between is a conflict. */
export function evolveSchema(
  base: TableMetadata,
  plannedSchemaId: number,
  changes: SchemaChange[],
): TableMetadata {
  if (base['current-schema-id'] !== plannedSchemaId) {
    throw new Conflict(
      'COMMIT_CONFLICT',
      'The table schema changed while this schema update was being committed.',
      {
        hint: 're-run the operation against the new schema',
      },
    );
  }
  const current = schemaOf(base, plannedSchemaId);
  const evolved = applySchemaChanges(current, changes, base['last-column-id']);
  for (const field of specOf(base, base['default-spec-id']).fields) {
    if (!fieldById(evolved.schema, field['source-id'])) {
      throw new InvalidInput(
        'PARTITION_SOURCE_DROPPED',
        `Column ${field.name} cannot be dropped: the table is partitioned by it.`,
        {
          hint: 'change the partitioning first, or keep the column',
        },
      );
    }
  }
  const same = base.schemas.find((s) => schemasEqual(s, evolved.schema));
  if (same) return { ...base, ...touched(base), 'current-schema-id': same['schema-id'] };
  const schemaId = Math.max(...base.schemas.map((s) => s['schema-id'])) + 1;
  return {
    ...base,
    ...touched(base),
    schemas: [...base.schemas, { ...evolved.schema, 'schema-id': schemaId }],
    'current-schema-id': schemaId,
    'last-column-id': Math.max(base['last-column-id'], evolved.lastColumnId),
  };
}

/** Makes an ancestor of the current snapshot current again, as a new snapshot-log entry. */
export function rollBack(base: TableMetadata, snapshotId: bigint): TableMetadata {
  findSnapshot(base, snapshotId);
  const ancestors = ancestorsOf(base, base['current-snapshot-id']);
  if (!ancestors.some((s) => s['snapshot-id'] === snapshotId)) {
    throw new InvalidInput(
      'SNAPSHOT_NOT_ANCESTOR',
      `Snapshot ${snapshotId} is not an ancestor of the current snapshot.`,
      {
        hint: 'roll back only to a snapshot listed in the table history',
      },
    );
  }
  const time = touched(base);
  return {
    ...base,
    ...time,
    'current-snapshot-id': snapshotId,
    refs: { ...base.refs, main: { 'snapshot-id': snapshotId, type: 'branch' } },
    'snapshot-log': [
      ...base['snapshot-log'],
      { 'snapshot-id': snapshotId, 'timestamp-ms': time['last-updated-ms'] },
    ],
  };
}

export function updateProperties(
  base: TableMetadata,
  set: Record<string, string>,
  remove: string[],
): TableMetadata {
  const both = remove.filter((key) => key in set);
  if (both.length > 0) {
    throw new InvalidInput(
      'INVALID_PROPERTIES',
      `Properties ${both.join(', ')} are both set and removed.`,
      {
        hint: 'set or remove each property, not both',
      },
    );
  }
  const properties = { ...base.properties, ...set };
  for (const key of remove) delete properties[key];
  return { ...base, ...touched(base), properties };
}
