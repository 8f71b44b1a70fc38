import type { Expression } from './expression.js';
import { isPrimitive } from './primitive-types.js';
import type { Predicate } from './rewrite-not.js';
import { findField } from './schema.js';
import { applyTransform, describeTransform, transformResultType } from './transforms.js';
import type { TransformSpec } from './transforms.js';
import type { PartitionSpec, PrimitiveType, Schema } from './types.js';

/** A predicate on one partition field (position in the spec), values already transformed. */
export interface PartitionLeaf {
  op: 'partition';
  position: number;
  type: PrimitiveType;
  predicate: Predicate;
}

export type ProjectedExpression =
  | { op: 'true' }
  | { op: 'false' }
  | { op: 'and' | 'or'; left: ProjectedExpression; right: ProjectedExpression }
  | PartitionLeaf;

const TRUE = { op: 'true' } as const;

function and(left: ProjectedExpression, right: ProjectedExpression): ProjectedExpression {
  if (left.op === 'true') return right;
  if (right.op === 'true') return left;
  return { op: 'and', left, right };
}

type Projected = Predicate | undefined;

function withValue(p: Predicate, op: Predicate['op'], value: unknown): Predicate {
  return { op, field: p.field, value } as Predicate;
}

/** For transforms that never decrease (temporal, truncate): ranges become inclusive ranges. */
function projectMonotonic(p: Predicate, apply: (v: unknown) => unknown): Projected {
  switch (p.op) {
    case 'lt':
    case 'lte':
      return withValue(p, 'lte', apply(p.value));
    case 'gt':
    case 'gte':
      return withValue(p, 'gte', apply(p.value));
    case 'eq':
      return withValue(p, 'eq', apply(p.value));
    case 'in':
      return { op: 'in', field: p.field, values: p.values.map(apply) };
    default:
      return undefined;
  }
}

function projectTruncatedString(
  p: Predicate,
  width: number,
  apply: (v: unknown) => unknown,
): Projected {
  if (p.op !== 'startsWith' && p.op !== 'notStartsWith') return projectMonotonic(p, apply);
  // A prefix no longer than the width survives truncation unchanged.
  if ([...p.value].length <= width) return p;
  return p.op === 'startsWith' ? withValue(p, 'eq', apply(p.value)) : undefined;
}

function projectLeaf(
  p: Predicate,
  transform: TransformSpec,
  sourceType: PrimitiveType,
  apply: (v: unknown) => unknown,
): Projected {
  if (transform.kind === 'void') return undefined;
  if (p.op === 'isNull' || p.op === 'notNull') return p;
  if (transform.kind === 'identity') return p;
  if (p.op === 'isNan' || p.op === 'notNan') return undefined;
  if (transform.kind === 'bucket') {
    if (p.op === 'eq') return withValue(p, 'eq', apply(p.value));
    return p.op === 'in' ? { op: 'in', field: p.field, values: p.values.map(apply) } : undefined;
  }
  if (transform.kind === 'truncate' && sourceType === 'string') {
    return projectTruncatedString(p, transform.width, apply);
  }
  if (p.op === 'startsWith' || p.op === 'notStartsWith') return undefined;
  return projectMonotonic(p, apply);
}

function projectPredicate(p: Predicate, schema: Schema, spec: PartitionSpec): ProjectedExpression {
  const source = findField(schema, p.field);
  if (!source || !isPrimitive(source.type)) return TRUE;
  const sourceType = source.type;
  let result: ProjectedExpression = TRUE;
  spec.fields.forEach((field, position) => {
    const transform = describeTransform(field.transform);
    if (field['source-id'] !== source.id || !transform) return;
    try {
      const apply = (v: unknown): unknown => applyTransform(field.transform, sourceType, v);
      const projected = projectLeaf(p, transform, sourceType, apply);
      if (!projected) return;
      const type = transformResultType(field.transform, sourceType);
      result = and(result, {
        op: 'partition',
        position,
        type,
        predicate: { ...projected, field: field.name },
      });
    } catch {
      // A literal the transform cannot take (wrong type): this field cannot prune.
    }
  });
  return result;
}

/**
 * Inclusive projection of a row filter (with `not` already pushed down) onto a
 * partition spec: whenever a row matches the filter, its partition matches the result.
 */
export function projectToPartition(
  expr: Expression,
  schema: Schema,
  spec: PartitionSpec,
): ProjectedExpression {
  switch (expr.op) {
    case 'true':
    case 'false':
      return expr;
    case 'and':
    case 'or':
      return {
        op: expr.op,
        left: projectToPartition(expr.left, schema, spec),
        right: projectToPartition(expr.right, schema, spec),
      };
    case 'not':
      return TRUE;
    default:
      return projectPredicate(expr, schema, spec);
  }
}
