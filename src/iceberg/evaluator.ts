import type { Expression } from './expression.js';
import { projectToPartition } from './partition-projection.js';
import type { PartitionLeaf, ProjectedExpression } from './partition-projection.js';
import { exactRange, rangeMayMatch } from './predicate-bounds.js';
import type { ValueRange } from './predicate-bounds.js';
import { isPrimitive } from './primitive-types.js';
import { rewriteNot } from './rewrite-not.js';
import type { Predicate } from './rewrite-not.js';
import { findEntry } from './schema.js';
import type { IndexedField } from './schema.js';
import type { DataFile, FieldSummary, PartitionSpec, PrimitiveType, Schema } from './types.js';
import { fromBinary } from './values.js';

type Tree = Expression | ProjectedExpression;

/** Evaluates and/or over leaves; `not` is pushed down before, so one left over cannot prune. */
function evaluate(expr: Tree, leaf: (leaf: Predicate | PartitionLeaf) => boolean): boolean {
  switch (expr.op) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'and':
      return evaluate(expr.left, leaf) && evaluate(expr.right, leaf);
    case 'or':
      return evaluate(expr.left, leaf) || evaluate(expr.right, leaf);
    case 'not':
      return true;
    default:
      return leaf(expr);
  }
}

type RangeOf = (position: number, type: PrimitiveType) => ValueRange | undefined;

function evaluateProjected(expr: ProjectedExpression, range: RangeOf): boolean {
  return evaluate(expr, (leaf) => {
    if (leaf.op !== 'partition') return true;
    const r = range(leaf.position, leaf.type);
    return r === undefined || rangeMayMatch(leaf.type, leaf.predicate, r);
  });
}

function decode(type: PrimitiveType, bytes: Uint8Array | undefined): unknown {
  if (bytes === undefined) return undefined;
  try {
    return fromBinary(type, bytes);
  } catch {
    return undefined;
  }
}

interface Column {
  id: number;
  type: PrimitiveType;
}

function isInsideListOrMap(schema: Schema, entry: IndexedField): boolean {
  let fields = schema.fields;
  for (const part of entry.path.slice(0, -1)) {
    const type = fields.find((f) => f.name === part)?.type;
    if (typeof type !== 'object' || type.type !== 'struct') return true;
    fields = type.fields;
  }
  return false;
}

/** Columns Iceberg keeps bounds for: primitives reached through structs only. */
function boundedColumn(schema: Schema, name: string): Column | undefined {
  const entry = findEntry(schema, name);
  if (!entry || !isPrimitive(entry.field.type) || isInsideListOrMap(schema, entry))
    return undefined;
  return { id: entry.field.id, type: entry.field.type };
}

function fileRange(file: DataFile, { id, type }: Column): ValueRange {
  const values = file.valueCounts.get(id);
  const nulls = file.nullValueCounts.get(id);
  const nans = file.nanValueCounts.get(id);
  const floating = type === 'float' || type === 'double';
  return {
    lower: decode(type, file.lowerBounds.get(id)),
    upper: decode(type, file.upperBounds.get(id)),
    mayHaveNull: nulls === undefined || nulls > 0n,
    mayHaveNonNull: !(values !== undefined && nulls !== undefined && values === nulls),
    mayHaveNan: floating && (nans === undefined || nans > 0n),
  };
}

/** A filter prepared once for a schema and spec, then applied to many files. */
export interface FileFilter {
  partitionMayMatch(file: DataFile): boolean;
  metricsMayMatch(file: DataFile): boolean;
  mayMatch(file: DataFile): boolean;
}

function compileFileFilter(filter: Expression, schema: Schema, spec: PartitionSpec): FileFilter {
  const rewritten = rewriteNot(filter);
  const projected = projectToPartition(rewritten, schema, spec);
  const columns = new Map<string, Column | undefined>();
  const column = (name: string): Column | undefined => {
    if (!columns.has(name)) columns.set(name, boundedColumn(schema, name));
    return columns.get(name);
  };
  const partitionMayMatch = (file: DataFile): boolean =>
    evaluateProjected(projected, (position) => {
      const name = spec.fields[position]?.name;
      if (name === undefined || !(name in file.partition)) return undefined;
      return exactRange(file.partition[name]);
    });
  const metricsMayMatch = (file: DataFile): boolean =>
    file.recordCount > 0n &&
    evaluate(rewritten, (p) => {
      if (p.op === 'partition') return true;
      const c = column(p.field);
      return c === undefined || rangeMayMatch(c.type, p, fileRange(file, c));
    });
  return {
    partitionMayMatch,
    metricsMayMatch,
    mayMatch: (file) => partitionMayMatch(file) && metricsMayMatch(file),
  };
}

// Planning calls the evaluator once per file with the same filter, schema and spec.
const compiled = new WeakMap<Expression, WeakMap<Schema, WeakMap<PartitionSpec, FileFilter>>>();

/** The prepared filter for these (immutable) filter, schema and spec objects. */
export function fileFilter(filter: Expression, schema: Schema, spec: PartitionSpec): FileFilter {
  const bySchema =
    compiled.get(filter) ?? new WeakMap<Schema, WeakMap<PartitionSpec, FileFilter>>();
  compiled.set(filter, bySchema);
  const bySpec = bySchema.get(schema) ?? new WeakMap<PartitionSpec, FileFilter>();
  bySchema.set(schema, bySpec);
  const existing = bySpec.get(spec);
  if (existing) return existing;
  const made = compileFileFilter(filter, schema, spec);
  bySpec.set(spec, made);
  return made;
}

/** Whether a file's partition tuple may hold rows matching the filter. */
export function partitionMayMatch(
  filter: Expression,
  schema: Schema,
  spec: PartitionSpec,
  file: DataFile,
): boolean {
  return fileFilter(filter, schema, spec).partitionMayMatch(file);
}

/** Whether a file's column metrics (counts and bounds) allow a matching row. */
export function metricsMayMatch(
  filter: Expression,
  schema: Schema,
  spec: PartitionSpec,
  file: DataFile,
): boolean {
  return fileFilter(filter, schema, spec).metricsMayMatch(file);
}

/**
 * Scan pruning for one data file: false only when the file cannot hold a row
 * matching the filter, judged by its partition values and then its column metrics.
 */
export function fileMayMatch(
  filter: Expression,
  schema: Schema,
  spec: PartitionSpec,
  file: DataFile,
): boolean {
  return fileFilter(filter, schema, spec).mayMatch(file);
}

/** Manifest pruning from the manifest list's partition field summaries. */
export function manifestMayMatch(
  filter: Expression,
  schema: Schema,
  spec: PartitionSpec,
  partitionSummaries: FieldSummary[],
): boolean {
  const projected = projectToPartition(rewriteNot(filter), schema, spec);
  return evaluateProjected(projected, (position, type) => {
    const summary = partitionSummaries[position];
    if (!summary) return undefined;
    return {
      lower: decode(type, summary.lowerBound),
      upper: decode(type, summary.upperBound),
      mayHaveNull: summary.containsNull,
      mayHaveNonNull: true,
      mayHaveNan: summary.containsNan ?? (type === 'float' || type === 'double'),
    };
  });
}
