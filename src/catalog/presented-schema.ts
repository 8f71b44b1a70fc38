import { findField, indexById, rewriteNot } from '../iceberg/index.js';
import type { Expression, IcebergTable, Schema, Snapshot } from '../iceberg/index.js';

/**
 * The schema a read of `snapshot` shows the engine: always under TODAY's column names.
 * Masks, row filters and column grants are keyed by current column names, so a
 * snapshot read under the names it was written with could dodge them (rename ssn to
 * tax_id, mask tax_id, then read AT the old snapshot and see "ssn" unmasked).
 *
 * - The current snapshot (or none) reads with the current schema, as Iceberg readers do:
 *   a rename or an added column shows before the next write; older files go by field id.
 * - An older snapshot keeps its own columns and types (the files it holds were written
 *   with them) under their current names. A column dropped since is left out: it has
 *   no current name, so no policy could name it, and it must not come back through
 *   time travel. A column added since is left out too (it holds nothing there).
 *   Nested fields keep the snapshot's names: policies only name top-level columns.
 */
export function presentedSchema(table: IcebergTable, snapshot: Snapshot | undefined): Schema {
  const current = table.schema();
  if (snapshot === undefined || isCurrent(table, snapshot)) return current;
  const then = table.schemaFor(snapshot);
  const today = new Map(current.fields.map((f) => [f.id, f.name]));
  const fields = then.fields.flatMap((f) => {
    const name = today.get(f.id);
    return name === undefined ? [] : [{ ...f, name }];
  });
  return { ...then, fields };
}

function isCurrent(table: IcebergTable, snapshot: Snapshot): boolean {
  return table.currentSnapshot()?.['snapshot-id'] === snapshot['snapshot-id'];
}

/**
 * The pruning filter, written against the presented schema, restated in the names of
 * the snapshot's schema, which scan planning binds it to. A predicate on a field the
 * snapshot does not hold under the same type cannot prune: it becomes "may match"
 * (never binding a name the snapshot gave another field, which would prune wrongly).
 * `not` is pushed into the predicates first, so a "may match" is never negated.
 */
export function filterForSnapshot(
  filter: Expression,
  presented: Schema,
  snapshotSchema: Schema,
): Expression {
  const then = indexById(snapshotSchema);
  const restate = (expr: Expression): Expression => {
    switch (expr.op) {
      case 'true':
      case 'false':
        return expr;
      case 'and':
      case 'or':
        return { op: expr.op, left: restate(expr.left), right: restate(expr.right) };
      case 'not':
        return restate(rewriteNot(expr));
      default: {
        const field = findField(presented, expr.field);
        const old = field === undefined ? undefined : then.get(field.id);
        if (field === undefined || old === undefined || old.field.type !== field.type) {
          return { op: 'true' };
        }
        return { ...expr, field: old.path.join('.') };
      }
    }
  };
  return restate(rewriteNot(filter));
}
