import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, QueryEngine, quoteIdent, quoteLiteral } from '../../../src/engine/index.js';
import type { ResolvedTable, Session, TableResolver } from '../../../src/engine/index.js';
import { NotFound } from '../../../src/errors/index.js';
import type { IcebergType, Schema } from '../../../src/iceberg/index.js';
import type { Principal } from '../../../src/governance/contract.js';
import type { PolicyAuthorizer } from '../../../src/governance/policy/policy-authorizer.js';
import { hashKey, PolicyFixture, user } from './policy-fixture.js';
import {
  COLUMNS,
  expectedRows,
  masksFor,
  pick,
  random,
  randomPredicate,
  randomRows,
  TYPES,
} from './read-policy-reference.js';
import type { Column, MaskModel, ModelAdmission, Row } from './read-policy-reference.js';

const CASES = 120;
const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: COLUMNS.map((name, i) => ({
    id: i + 1,
    name,
    required: false,
    type: TYPES[name] as IcebergType,
  })),
};
const columnShapes = COLUMNS.map((name) => ({ name, type: TYPES[name] }));

let dir: string;
let session: Session;
let engine: QueryEngine;
let fx: PolicyFixture;
let authorizer: PolicyAuthorizer;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-policy-prop-'));
  session = await openSession({ memoryLimit: '256MB', tempDir: dir, threads: 1 });
  engine = new QueryEngine({
    tempDir: dir,
    timeoutMs: 30_000,
    memoryLimit: '256MB',
    threads: 1,
    maxResultRows: 10_000,
  });
  fx = await PolicyFixture.open();
  await fx.grant('USAGE', 'catalog', 'group:all_users');
  authorizer = fx.authorizer();
});
afterAll(async () => {
  session.close();
  await fx.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function writeTable(file: string, rows: Row[]): Promise<void> {
  const literal = (c: Column, v: unknown): string =>
    v === null
      ? 'NULL'
      : c === 'day'
        ? `DATE '${String(v)}'`
        : typeof v === 'string'
          ? quoteLiteral(v)
          : String(v);
  const values = rows.map((r) => `(${COLUMNS.map((c) => literal(c, r[c])).join(', ')})`).join(', ');
  const casts =
    'id::BIGINT AS id, name::VARCHAR AS name, region::VARCHAR AS region, amount::INTEGER AS amount, day::DATE AS day';
  const ids = COLUMNS.map((c, i) => `${c}: ${i + 1}`).join(', ');
  await session.run(
    `COPY (SELECT ${casts} FROM (VALUES ${values}) AS t(${COLUMNS.join(', ')})) TO ${quoteLiteral(file)} (FORMAT PARQUET, FIELD_IDS {${ids}})`,
  );
}

/** The catalog's part, reduced to one table: the resolver asks the authorizer what the caller sees. */
function resolverFor(principal: Principal, name: string, file: string): TableResolver {
  return {
    resolve: async (ref): Promise<ResolvedTable> => {
      if (ref.parts.join('.') !== name)
        throw new NotFound('TABLE_NOT_FOUND', `Table ${ref.parts.join('.')} does not exist`);
      const policy = await authorizer.readPolicy(principal, name.split('.'), columnShapes);
      if (!policy.allowed) throw new NotFound('TABLE_NOT_FOUND', policy.reason);
      const table: ResolvedTable = { name, schema, dataFiles: [file], snapshotId: null };
      if (policy.columns) table.columns = policy.columns;
      if (policy.masks) table.masks = policy.masks;
      if (policy.rowFilter) table.rowFilter = policy.rowFilter;
      return table;
    },
  };
}

const sorted = (rows: unknown[][]): string[] => rows.map((r) => JSON.stringify(r)).sort();

/** One random case: grants, groups, filters and masks written to the metastore, and the model of them. */
async function randomCase(seed: number) {
  const rnd = random(seed);
  const name = `bronze.p.t${seed}`;
  const me = `u${seed}`;
  const [g, h] = [`g${seed}`, `h${seed}`];
  const groups = ['all_users'];
  if (rnd() < 0.6) {
    await fx.member(g, me);
    groups.push(g);
    if (rnd() < 0.5) {
      await fx.member(h, `group:${g}`);
      groups.push(h);
    }
  }
  const grantees = [me, `group:${g}`, `group:${h}`, 'group:all_users', 'group:nobody'];
  const holds = (grantee: string) =>
    grantee === me || (grantee.startsWith('group:') && groups.includes(grantee.slice(6)));

  const admissions: ModelAdmission[] = [];
  if (rnd() < 0.2) {
    const to = pick(rnd, grantees);
    await fx.grant('SELECT', `table ${name}`, to);
    if (holds(to)) admissions.push({ columns: new Set(COLUMNS) });
  }
  if (rnd() < 0.3) {
    const column = pick(rnd, COLUMNS);
    const to = pick(rnd, grantees);
    await fx.grant('SELECT', `column ${name}.${column}`, to);
    if (holds(to)) admissions.push({ columns: new Set([column]) });
  }
  const filters = Math.floor(rnd() * 4);
  for (let i = 0; i < filters; i++) {
    const predicate = rnd() < 0.15 ? null : randomPredicate(rnd, me, groups);
    const subset = COLUMNS.filter(() => rnd() < 0.5);
    const mode = pick(rnd, ['all', 'include', 'exclude'] as const);
    const to = pick(rnd, grantees);
    await fx.filter(`f${i}`, name, predicate?.sql ?? null, [to], { mode, names: subset });
    if (!holds(to)) continue;
    const shown = COLUMNS.filter((c) =>
      mode === 'all' ? true : mode === 'include' ? subset.includes(c) : !subset.includes(c),
    );
    admissions.push({ ...(predicate ? { test: predicate.test } : {}), columns: new Set(shown) });
  }
  const masks = new Map<Column, MaskModel>();
  for (const column of COLUMNS.filter(() => rnd() < 0.3)) {
    const mask = pick(rnd, masksFor(column, hashKey));
    const exempt = rnd() < 0.3 ? [pick(rnd, grantees)] : [];
    await fx.mask(name, column, mask.fn, {
      ...(mask.expression ? { expression: mask.expression } : {}),
      exempt,
    });
    if (!exempt.some(holds)) masks.set(column, mask);
  }
  return { rnd, name, principal: user(me), admissions, masks };
}

describe('read policy through the real engine, against an independent model', () => {
  it(`agrees on ${CASES} random cases`, async () => {
    let compared = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const { rnd, name, principal, admissions, masks } = await randomCase(seed);
      const rows = randomRows(rnd, 30);
      const file = path.join(dir, `t${seed}.parquet`);
      await writeTable(file, rows);
      const expected = expectedRows(rows, admissions, masks);
      const policy = await authorizer.readPolicy(principal, name.split('.'), columnShapes);
      const context = `seed ${seed}: ${JSON.stringify(policy)}`;
      if (expected.columns.length === 0) {
        expect(policy.allowed, context).toBe(false);
        continue;
      }
      expect(policy.allowed, context).toBe(true);
      const resolver = resolverFor(principal, name, file);
      const all = await engine.execute(`SELECT * FROM ${name}`, resolver);
      expect(
        all.columns.map((c) => c.name),
        context,
      ).toEqual(expected.columns);
      expect(sorted(all.rows), context).toEqual(sorted(expected.rows));

      const count = await engine.execute(`SELECT count(*) FROM ${name}`, resolver);
      expect(count.rows, context).toEqual([[expected.rows.length]]);

      const at = Math.floor(rnd() * expected.columns.length);
      const column = quoteIdent(expected.columns[at] as string);
      const values = expected.rows.map((r) => r[at]);
      const grouped = await engine.execute(
        `SELECT ${column} AS v, count(*) AS n FROM ${name} GROUP BY ${column}`,
        resolver,
      );
      const counts = new Map<string, number>();
      for (const v of values)
        counts.set(JSON.stringify(v), (counts.get(JSON.stringify(v)) ?? 0) + 1);
      expect(sorted(grouped.rows), context).toEqual(
        sorted([...counts].map(([v, n]) => [JSON.parse(v) as unknown, n])),
      );
      const nulls = await engine.execute(
        `SELECT count(*) FROM ${name} WHERE ${column} IS NULL`,
        resolver,
      );
      expect(nulls.rows, context).toEqual([[values.filter((v) => v === null).length]]);
      compared++;
    }
    // Enough cases must reach the engine for the comparison to mean something.
    expect(compared).toBeGreaterThan(CASES / 3);
  });
});
