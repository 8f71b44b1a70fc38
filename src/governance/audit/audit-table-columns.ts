import type { IcebergType, NestedField, PrimitiveType, Schema } from '../../iceberg/index.js';
import type { AuditEvent } from '../contract.js';

/** A list of strings; its element gets a field id when the schema is built. */
const LIST_TYPE = 'list<string>';

interface AuditColumn {
  name: string;
  type: PrimitiveType | typeof LIST_TYPE;
  required: boolean;
  value: (e: AuditEvent) => unknown;
}

function column(
  name: string,
  type: AuditColumn['type'],
  value: AuditColumn['value'],
  required = false,
): AuditColumn {
  return { name, type, value, required };
}

/** The columns of `system.audit`, in order: one row per event, lists kept as lists. */
const COLUMNS: AuditColumn[] = [
  column('seq', 'long', (e) => e.seq, true),
  column('event_id', 'string', (e) => e.eventId, true),
  column('time', 'timestamptz', (e) => e.time, true),
  column('principal', 'string', (e) => e.principal?.name ?? null),
  column('principal_id', 'string', (e) => e.principal?.id ?? null),
  column('principal_kind', 'string', (e) => e.principal?.kind ?? null),
  column('groups', LIST_TYPE, (e) => e.groups),
  column('auth_method', 'string', (e) => e.authMethod),
  column('channel', 'string', (e) => e.channel),
  column('source_address', 'string', (e) => e.sourceAddress),
  column('user_agent', 'string', (e) => e.userAgent),
  column('request_id', 'string', (e) => e.requestId),
  column('action', 'string', (e) => e.action, true),
  column('resource', 'string', (e) => e.resource),
  column('columns', LIST_TYPE, (e) => e.columns),
  column('decision', 'string', (e) => e.decision, true),
  column('reason', 'string', (e) => e.reason),
  column('grants', LIST_TYPE, (e) => e.policies.grants),
  column('filters', LIST_TYPE, (e) => e.policies.filters),
  column('masks', LIST_TYPE, (e) => e.policies.masks),
  column('query_text', 'string', (e) => e.queryText),
  column('query_sha256', 'string', (e) => e.querySha256),
  column('rows_returned', 'long', (e) => e.rowsReturned),
  column('bytes_scanned', 'long', (e) => e.bytesScanned),
  column('duration_ms', 'long', (e) => e.durationMs),
  // Pairs of table and snapshot id; JSON keeps 63-bit ids exact and stays easy to search.
  column('snapshots', 'string', (e) => JSON.stringify(e.snapshots)),
  column('status', 'int', (e) => e.status),
  column('prev_hash', 'string', (e) => e.prevHash, true),
  column('hash', 'string', (e) => e.hash, true),
];

/** Field ids: columns take 1…n, list elements the ids after them. */
function fieldsOf(): NestedField[] {
  let nextElementId = COLUMNS.length + 1;
  return COLUMNS.map((c, i) => {
    const type: IcebergType =
      c.type === LIST_TYPE
        ? {
            type: 'list',
            'element-id': nextElementId++,
            element: 'string',
            'element-required': true,
          }
        : c.type;
    return { id: i + 1, name: c.name, required: c.required, type };
  });
}

export const AUDIT_TABLE_SCHEMA: Schema = { type: 'struct', 'schema-id': 0, fields: fieldsOf() };

/** One event as the JSON object of a `system.audit` row (column name → value). */
export function auditRow(event: AuditEvent): Record<string, unknown> {
  return Object.fromEntries(COLUMNS.map((c) => [c.name, c.value(event)]));
}
