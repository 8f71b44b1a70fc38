import { describe, expect, it } from 'vitest';
import {
  applyTransform,
  compareValues,
  fileMayMatch,
  findField,
  manifestMayMatch,
  rewriteNot,
  toBinary,
  transformResultType,
  truncateLowerBound,
  truncateUpperBound,
} from '../../src/iceberg/index.js';
import type {
  DataFile,
  Expression,
  FieldSummary,
  PartitionSpec,
  PrimitiveType,
  Schema,
} from '../../src/iceberg/index.js';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'n', required: false, type: 'int' },
    { id: 2, name: 'l', required: false, type: 'long' },
    { id: 3, name: 'd', required: false, type: 'double' },
    { id: 4, name: 's', required: false, type: 'string' },
    { id: 5, name: 'ts', required: false, type: 'timestamp' },
    { id: 6, name: 'dt', required: false, type: 'date' },
    { id: 7, name: 'dec', required: false, type: 'decimal(9, 2)' },
  ],
};
const columns = schema.fields.map((f) => ({
  name: f.name,
  id: f.id,
  type: f.type as PrimitiveType,
}));

type Row = Record<string, unknown>;

// A small random generator with a seed, so failures can be replayed.
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)] as T;
}

const STRING_PARTS = [
  'a',
  'ab',
  'b',
  'é',
  '😀',
  'zz',
  String.fromCodePoint(0x10ffff),
  'x'.repeat(9),
];
const HOUR = 3_600_000_000n;

function value(rnd: () => number, type: PrimitiveType): unknown {
  if (rnd() < 0.15) return null;
  const small = Math.floor(rnd() * 200) - 100;
  switch (type) {
    case 'int':
      return small;
    case 'long':
      return BigInt(small) * 1_000_000_007n;
    case 'double':
      return pick(rnd, [small / 4, -0, 0, NaN, Infinity, -Infinity, small]);
    case 'string':
      return Array.from({ length: Math.floor(rnd() * 4) }, () => pick(rnd, STRING_PARTS)).join('');
    case 'timestamp':
      return BigInt(small) * 7n * HOUR + BigInt(Math.floor(rnd() * 3600)) * 1_000_000n;
    case 'date':
      return small * 17;
    default:
      return `${small}.${String(Math.floor(rnd() * 100)).padStart(2, '0')}`;
  }
}

/** SQL three-valued logic over a row, with DuckDB's NaN semantics (NaN = NaN, NaN above all). */
function rowValue(expr: Expression, row: Row): boolean | null {
  switch (expr.op) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'not': {
      const v = rowValue(expr.arg, row);
      return v === null ? null : !v;
    }
    case 'and': {
      const [a, b] = [rowValue(expr.left, row), rowValue(expr.right, row)];
      if (a === false || b === false) return false;
      return a === null || b === null ? null : true;
    }
    case 'or': {
      const [a, b] = [rowValue(expr.left, row), rowValue(expr.right, row)];
      if (a === true || b === true) return true;
      return a === null || b === null ? null : false;
    }
  }
  const x = row[expr.field];
  const type = findField(schema, expr.field)?.type as PrimitiveType;
  if (expr.op === 'isNull') return x === null;
  if (expr.op === 'notNull') return x !== null;
  if (x === null) return null;
  const cmp = (v: unknown): number =>
    type === 'double' && x === 0 && v === 0 ? 0 : compareValues(type, x, v);
  switch (expr.op) {
    case 'isNan':
      return Number.isNaN(x);
    case 'notNan':
      return !Number.isNaN(x);
    case 'lt':
      return cmp(expr.value) < 0;
    case 'lte':
      return cmp(expr.value) <= 0;
    case 'gt':
      return cmp(expr.value) > 0;
    case 'gte':
      return cmp(expr.value) >= 0;
    case 'eq':
      return cmp(expr.value) === 0;
    case 'neq':
      return cmp(expr.value) !== 0;
    case 'in':
      return expr.values.some((v) => cmp(v) === 0);
    case 'notIn':
      return !expr.values.some((v) => cmp(v) === 0);
    case 'startsWith':
      return (x as string).startsWith(expr.value);
    case 'notStartsWith':
      return !(x as string).startsWith(expr.value);
  }
}

function randomPredicate(rnd: () => number, rows: Row[]): Expression {
  const column = pick(rnd, columns);
  const literal = (): unknown => {
    const fromRow = rows.length > 0 && rnd() < 0.6 ? pick(rnd, rows)[column.name] : null;
    let v = fromRow;
    while (v === null) v = value(rnd, column.type);
    return v;
  };
  const ops = ['lt', 'lte', 'gt', 'gte', 'eq', 'neq', 'in', 'notIn', 'isNull', 'notNull'] as const;
  const extra = column.type === 'string' ? (['startsWith', 'notStartsWith'] as const) : [];
  const nan = column.type === 'double' ? (['isNan', 'notNan'] as const) : [];
  const op = pick(rnd, [...ops, ...extra, ...nan]);
  const field = column.name;
  switch (op) {
    case 'in':
    case 'notIn':
      return { op, field, values: [literal(), literal()] };
    case 'isNull':
    case 'notNull':
    case 'isNan':
    case 'notNan':
      return { op, field };
    case 'startsWith':
    case 'notStartsWith': {
      const text = String(literal());
      return { op, field, value: [...text].slice(0, Math.floor(rnd() * 3)).join('') };
    }
    default:
      return { op, field, value: literal() };
  }
}

function randomFilter(rnd: () => number, rows: Row[], depth = 0): Expression {
  const r = rnd();
  if (depth > 2 || r < 0.5) return randomPredicate(rnd, rows);
  if (r < 0.65) return { op: 'not', arg: randomFilter(rnd, rows, depth + 1) };
  const op = r < 0.85 ? 'and' : 'or';
  return {
    op,
    left: randomFilter(rnd, rows, depth + 1),
    right: randomFilter(rnd, rows, depth + 1),
  };
}

const spec: PartitionSpec = {
  'spec-id': 1,
  fields: [
    { 'source-id': 1, 'field-id': 1000, name: 'n_bucket', transform: 'bucket[4]' },
    { 'source-id': 4, 'field-id': 1001, name: 's_trunc', transform: 'truncate[1]' },
    { 'source-id': 5, 'field-id': 1002, name: 'ts_day', transform: 'day' },
    { 'source-id': 6, 'field-id': 1003, name: 'dt_month', transform: 'month' },
    { 'source-id': 2, 'field-id': 1004, name: 'l_trunc', transform: 'truncate[100]' },
  ],
};

function partitionOf(row: Row, partitionSpec: PartitionSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of partitionSpec.fields) {
    const source = columns.find((c) => c.id === f['source-id']);
    if (source) out[f.name] = applyTransform(f.transform, source.type, row[source.name]);
  }
  return out;
}

function metricsOf(rows: Row[], rnd: () => number): Omit<DataFile, 'partition' | 'specId'> {
  const file: Omit<DataFile, 'partition' | 'specId'> = {
    content: 0,
    filePath: 'file:///t.parquet',
    fileFormat: 'PARQUET',
    recordCount: BigInt(rows.length),
    fileSizeInBytes: 1n,
    columnSizes: new Map(),
    valueCounts: new Map(),
    nullValueCounts: new Map(),
    nanValueCounts: new Map(),
    lowerBounds: new Map(),
    upperBounds: new Map(),
  };
  for (const { name, id, type } of columns) {
    if (rnd() < 0.1) continue; // some writers leave metrics out
    const values = rows.map((r) => r[name]);
    file.valueCounts.set(id, BigInt(values.length));
    file.nullValueCounts.set(id, BigInt(values.filter((v) => v === null).length));
    if (type === 'double') {
      file.nanValueCounts.set(id, BigInt(values.filter((v) => Number.isNaN(v)).length));
    }
    const present = values.filter((v) => v !== null && !Number.isNaN(v));
    if (present.length === 0) continue;
    const sorted = [...present].sort((a, b) => compareValues(type, a, b));
    const upper = truncateUpperBound(type, sorted[sorted.length - 1]);
    file.lowerBounds.set(id, toBinary(type, truncateLowerBound(type, sorted[0])));
    if (upper !== undefined) file.upperBounds.set(id, toBinary(type, upper));
  }
  return file;
}

function filesOf(rows: Row[], rnd: () => number, partitionSpec: PartitionSpec): DataFile[] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = JSON.stringify(partitionOf(row, partitionSpec), (_, v: unknown) =>
      typeof v === 'bigint' ? `${v}n` : v,
    );
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((group) => ({
    ...metricsOf(group, rnd),
    partition: partitionOf(group[0] ?? {}, partitionSpec),
    specId: partitionSpec['spec-id'],
  }));
}

function summariesOf(files: DataFile[], partitionSpec: PartitionSpec): FieldSummary[] {
  return partitionSpec.fields.map((f) => {
    const source = columns.find((c) => c.id === f['source-id']);
    const type = transformResultType(f.transform, source?.type ?? 'int');
    const values = files.map((file) => file.partition[f.name]);
    const present = values.filter((v) => v !== null).sort((a, b) => compareValues(type, a, b));
    const summary: FieldSummary = { containsNull: values.includes(null), containsNan: false };
    if (present.length > 0) {
      summary.lowerBound = toBinary(type, present[0]);
      summary.upperBound = toBinary(type, present[present.length - 1]);
    }
    return summary;
  });
}

describe('pruning never drops a file that holds a matching row', () => {
  it.each([1, 2, 3, 4, 5, 6])('random tables and filters (seed %i)', (seed) => {
    const rnd = random(seed);
    let checked = 0;
    let pruned = 0;
    for (let round = 0; round < 60; round++) {
      const rows = Array.from({ length: 1 + Math.floor(rnd() * 30) }, () =>
        Object.fromEntries(columns.map((c) => [c.name, value(rnd, c.type)])),
      );
      for (const partitionSpec of [spec, { 'spec-id': 0, fields: [] }]) {
        const files = filesOf(rows, rnd, partitionSpec);
        for (let f = 0; f < 10; f++) {
          const filter = randomFilter(rnd, rows);
          let anyFile = false;
          for (const file of files) {
            const group = rows.filter(
              (r) =>
                JSON.stringify(partitionOf(r, partitionSpec), big) ===
                JSON.stringify(file.partition, big),
            );
            const matches = group.some((r) => rowValue(filter, r) === true);
            const mayMatch = fileMayMatch(filter, schema, partitionSpec, file);
            if (matches && !mayMatch) {
              throw new Error(
                `pruned a matching file: ${JSON.stringify(filter, big)} rows ${JSON.stringify(group, big)}`,
              );
            }
            anyFile ||= matches;
            checked++;
            if (!mayMatch) pruned++;
          }
          if (anyFile) {
            expect(
              manifestMayMatch(filter, schema, partitionSpec, summariesOf(files, partitionSpec)),
            ).toBe(true);
          }
        }
      }
    }
    // The evaluator must also be useful, not just safe.
    expect(pruned / checked).toBeGreaterThan(0.1);
  });
});

function big(_: string, v: unknown): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

describe('pruning examples', () => {
  const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
  const micros = (iso: string): bigint => BigInt(Date.parse(`${iso}Z`)) * 1000n;
  const rnd = random(42);
  const file = (rows: Row[]): DataFile =>
    filesOf(rows, () => 0.5 + rnd() * 0.5, spec)[0] as DataFile;
  const row = (values: Row): Row => ({
    n: null,
    l: null,
    d: null,
    s: null,
    ts: null,
    dt: null,
    dec: null,
    ...values,
  });

  it('uses day partitions for timestamp ranges', () => {
    const jan2 = file([row({ ts: micros('2026-01-02T10:00:00') })]);
    expect(jan2.partition.ts_day).toBe(day('2026-01-02'));
    const after = (iso: string): Expression => ({ op: 'gte', field: 'ts', value: micros(iso) });
    expect(fileMayMatch(after('2026-01-03T00:00:00'), schema, spec, jan2)).toBe(false);
    expect(
      fileMayMatch(after('2026-01-02T23:00:00'), schema, spec, {
        ...jan2,
        lowerBounds: new Map(),
        upperBounds: new Map(),
      }),
    ).toBe(true);
    expect(fileMayMatch(after('2026-01-02T09:00:00'), schema, spec, jan2)).toBe(true);
  });

  it('uses bucket partitions for equality and IN', () => {
    const f = file([row({ n: 34 })]);
    const other =
      [0, 1, 2, 3, 4, 5, 6, 7].find(
        (v) => applyTransform('bucket[4]', 'int', v) !== f.partition.n_bucket,
      ) ?? 0;
    const bare = { ...f, lowerBounds: new Map(), upperBounds: new Map() };
    expect(fileMayMatch({ op: 'eq', field: 'n', value: 34 }, schema, spec, bare)).toBe(true);
    expect(fileMayMatch({ op: 'eq', field: 'n', value: other }, schema, spec, bare)).toBe(false);
    expect(fileMayMatch({ op: 'in', field: 'n', values: [other, 34] }, schema, spec, bare)).toBe(
      true,
    );
  });

  it('uses bounds, null counts and prefixes', () => {
    const f = file([row({ s: 'apple', l: 5n }), row({ s: 'apricot', l: 9n })]);
    expect(fileMayMatch({ op: 'gt', field: 'l', value: 9n }, schema, spec, f)).toBe(false);
    expect(fileMayMatch({ op: 'gt', field: 'l', value: 8 }, schema, spec, f)).toBe(true);
    expect(fileMayMatch({ op: 'isNull', field: 'l' }, schema, spec, f)).toBe(false);
    expect(fileMayMatch({ op: 'notNull', field: 'n' }, schema, spec, f)).toBe(false);
    expect(fileMayMatch({ op: 'startsWith', field: 's', value: 'ap' }, schema, spec, f)).toBe(true);
    expect(fileMayMatch({ op: 'startsWith', field: 's', value: 'apz' }, schema, spec, f)).toBe(
      false,
    );
    expect(fileMayMatch({ op: 'notStartsWith', field: 's', value: 'ap' }, schema, spec, f)).toBe(
      false,
    );
    expect(
      fileMayMatch({ op: 'not', arg: { op: 'lte', field: 'l', value: 9n } }, schema, spec, f),
    ).toBe(false);
  });

  it('keeps files it cannot judge', () => {
    const f = file([row({ l: 5n, dec: '1.23' })]);
    expect(fileMayMatch({ op: 'eq', field: 'missing', value: 1 }, schema, spec, f)).toBe(true);
    expect(fileMayMatch({ op: 'eq', field: 'l', value: 'not a number' }, schema, spec, f)).toBe(
      true,
    );
    expect(fileMayMatch({ op: 'eq', field: 'dec', value: '1.234' }, schema, spec, f)).toBe(true);
  });

  it('prunes manifests by partition summaries', () => {
    const f = file([row({ ts: micros('2026-01-02T10:00:00') })]);
    const summaries = summariesOf([f], spec);
    const at = (iso: string): Expression => ({ op: 'eq', field: 'ts', value: micros(iso) });
    expect(manifestMayMatch(at('2026-01-02T11:00:00'), schema, spec, summaries)).toBe(true);
    expect(manifestMayMatch(at('2026-01-05T11:00:00'), schema, spec, summaries)).toBe(false);
  });

  it('pushes not down with De Morgan', () => {
    expect(
      rewriteNot({
        op: 'not',
        arg: {
          op: 'and',
          left: { op: 'lt', field: 'n', value: 1 },
          right: { op: 'isNull', field: 's' },
        },
      }),
    ).toEqual({
      op: 'or',
      left: { op: 'gte', field: 'n', value: 1 },
      right: { op: 'notNull', field: 's' },
    });
  });
});
