/**
 * An independent model of what a caller may read: random rows, random predicates
 * with their SQL and a JS evaluation (SQL's three-valued logic), and masks in JS.
 * The property test compares the governed engine's answers with this model.
 */
import { createHmac } from 'node:crypto';

export type Row = {
  id: number;
  name: string | null;
  region: string | null;
  amount: number | null;
  day: string | null;
};
export const COLUMNS = ['id', 'name', 'region', 'amount', 'day'] as const;
export type Column = (typeof COLUMNS)[number];
export const TYPES: Record<Column, string> = {
  id: 'long',
  name: 'string',
  region: 'string',
  amount: 'int',
  day: 'date',
};

/** SQL's unknown is null. */
type Truth = boolean | null;

export interface Predicate {
  sql: string;
  test: (row: Row) => Truth;
}

/** mulberry32: small, seeded, good enough to pick cases. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rnd: () => number, items: readonly T[]): T =>
  items[Math.floor(rnd() * items.length)] as T;

export function randomRows(rnd: () => number, count: number): Row[] {
  const rows: Row[] = [];
  for (let id = 1; id <= count; id++) {
    const day = new Date(Date.UTC(2023, 0, 1) + Math.floor(rnd() * 900) * 86_400_000);
    rows.push({
      id,
      name: pick(rnd, ['alice', 'Bob', 'anna', 'carol 7', 'x', "o'neil", null]),
      region: pick(rnd, ['US', 'EU', 'APAC', null]),
      amount: rnd() < 0.15 ? null : Math.floor(rnd() * 250) - 50,
      day: rnd() < 0.15 ? null : day.toISOString().slice(0, 10),
    });
  }
  return rows;
}

const cmp = (value: unknown, f: (v: never) => boolean): Truth =>
  value === null ? null : f(value as never);

export function randomPredicate(
  rnd: () => number,
  user: string,
  groups: string[],
  depth = 0,
): Predicate {
  if (depth < 2 && rnd() < 0.35) {
    const a = randomPredicate(rnd, user, groups, depth + 1);
    const b = randomPredicate(rnd, user, groups, depth + 1);
    const op = pick(rnd, ['AND', 'OR', 'NOT'] as const);
    if (op === 'NOT') return { sql: `NOT (${a.sql})`, test: (r) => not(a.test(r)) };
    return op === 'AND'
      ? { sql: `(${a.sql}) AND (${b.sql})`, test: (r) => and(a.test(r), b.test(r)) }
      : { sql: `(${a.sql}) OR (${b.sql})`, test: (r) => or(a.test(r), b.test(r)) };
  }
  const k = Math.floor(rnd() * 200) - 50;
  const region = pick(rnd, ['US', 'EU', 'APAC']);
  const date = `2024-0${1 + Math.floor(rnd() * 9)}-15`;
  const someone = pick(rnd, [user, 'someone_else']);
  const group = pick(rnd, [...groups, 'not_a_group']);
  const atoms: Predicate[] = [
    { sql: `region = '${region}'`, test: (r) => cmp(r.region, (v: string) => v === region) },
    {
      sql: `region IN ('US', 'EU')`,
      test: (r) => cmp(r.region, (v: string) => v === 'US' || v === 'EU'),
    },
    { sql: `amount > ${k}`, test: (r) => cmp(r.amount, (v: number) => v > k) },
    {
      sql: `amount BETWEEN ${k} AND ${k + 80}`,
      test: (r) => cmp(r.amount, (v: number) => v >= k && v <= k + 80),
    },
    { sql: `name LIKE 'a%'`, test: (r) => cmp(r.name, (v: string) => v.startsWith('a')) },
    { sql: `day >= DATE '${date}'`, test: (r) => cmp(r.day, (v: string) => v >= date) },
    { sql: 'name IS NULL', test: (r) => r.name === null },
    { sql: `current_user() = '${someone}'`, test: () => someone === user },
    { sql: `is_member('${group}')`, test: () => groups.includes(group) },
  ];
  return pick(rnd, atoms);
}

function not(a: Truth): Truth {
  return a === null ? null : !a;
}
function and(a: Truth, b: Truth): Truth {
  if (a === false || b === false) return false;
  return a === null || b === null ? null : true;
}
function or(a: Truth, b: Truth): Truth {
  if (a === true || b === true) return true;
  return a === null || b === null ? null : false;
}

export interface MaskModel {
  fn: string;
  expression: string | null;
  apply: (value: unknown) => unknown;
}

/** Masks that fit the column's type, each with its JS meaning. */
export function masksFor(column: Column, key: Buffer): MaskModel[] {
  const text = (f: (s: string) => unknown) => (v: unknown) => (v === null ? null : f(String(v)));
  const all: MaskModel[] = [
    { fn: 'MASK_NULL', expression: null, apply: () => null },
    {
      fn: 'MASK_HASH',
      expression: null,
      apply: text((s) => createHmac('sha256', key).update(s, 'utf8').digest('hex')),
    },
    {
      fn: 'MASK',
      expression: null,
      apply: text((s) => s.replace(/[A-Z]/g, 'X').replace(/[a-z]/g, 'x').replace(/[0-9]/g, 'n')),
    },
  ];
  if (column === 'name' || column === 'region') {
    all.push(
      {
        fn: 'MASK_SHOW_LAST_4',
        expression: null,
        apply: text((s) => (s.length <= 4 ? s : 'x'.repeat(s.length - 4) + s.slice(-4))),
      },
      {
        fn: 'MASK_SHOW_FIRST_4',
        expression: null,
        apply: text((s) => (s.length <= 4 ? s : s.slice(0, 4) + 'x'.repeat(s.length - 4))),
      },
      { fn: 'CUSTOM', expression: `upper("${column}")`, apply: text((s) => s.toUpperCase()) },
    );
  }
  if (column === 'amount') {
    all.push({
      fn: 'CUSTOM',
      expression: 'amount * 2',
      apply: (v) => (v === null ? null : (v as number) * 2),
    });
  }
  if (column === 'day') {
    all.push({
      fn: 'MASK_DATE_SHOW_YEAR',
      expression: null,
      apply: text((s) => `${s.slice(0, 4)}-01-01`),
    });
  }
  return all;
}

/** One way to read: rows it admits (every row when test is absent) and columns it shows. */
export interface ModelAdmission {
  test?: (row: Row) => Truth;
  columns: Set<Column>;
}

/** The rows a caller sees: the reference the engine is compared with. */
export function expectedRows(
  rows: Row[],
  admissions: ModelAdmission[],
  masks: Map<Column, MaskModel>,
): { columns: Column[]; rows: unknown[][] } {
  const columns = COLUMNS.filter((c) => admissions.some((a) => a.columns.has(c)));
  const visible: unknown[][] = [];
  for (const row of rows) {
    const admitting = admissions.filter((a) => a.test === undefined || a.test(row) === true);
    if (admitting.length === 0) continue;
    visible.push(
      columns.map((c) => {
        if (!admitting.some((a) => a.columns.has(c))) return null;
        const mask = masks.get(c);
        return mask ? mask.apply(row[c]) : row[c];
      }),
    );
  }
  return { columns, rows: visible };
}
