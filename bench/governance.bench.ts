// Governance figures: a governed query (one row filter, two masks) beside raw DuckDB doing
// the same work, authorization decisions at the issue's scale, and a permission-filtered
// listing of 10,000 tables beside the unfiltered one.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { parseTableName } from '../src/catalog/index.js';
import { PRIVILEGES } from '../src/governance/index.js';
import type { Caller, Privilege, Securable } from '../src/governance/index.js';
import type { BenchLakehouse } from './lakehouse.js';
import { benchQuery, type QueryFigures } from './query.bench.js';
import { median, percentile, timed } from './stats.js';

const ANALYST = 'bench_analyst';

/** A non-admin who reads the table through a data filter, with two columns masked. */
async function governedAnalyst(lake: BenchLakehouse, table: string): Promise<Caller> {
  const { directory, policies, auth } = lake.services;
  const admin = lake.admin;
  const ident = parseTableName(table);
  const path = [...ident.namespace, ident.name];
  const analyst = { kind: 'principal' as const, name: ANALYST };
  await directory.createPrincipal(admin, { name: ANALYST, kind: 'user' });
  await policies.grant(admin, {
    privileges: ['USAGE'],
    securable: { kind: 'namespace', path: [...ident.namespace] },
    grantee: analyst,
  });
  await policies.createDataFilter(admin, {
    name: 'known_countries',
    table: path,
    rowPredicate: "Country <> 'Unspecified'",
    grantees: [analyst],
  });
  await policies.setColumnMask(admin, { table: path, column: 'CustomerID', function: 'MASK_HASH' });
  await policies.setColumnMask(admin, {
    table: path,
    column: 'Country',
    function: 'MASK_SHOW_FIRST_4',
  });
  const issued = await directory.issueToken(admin, { principal: ANALYST, name: 'bench' });
  return { principal: await auth.authenticate(issued.token), context: { channel: 'api' } };
}

/** The analyst's view written out by hand: the baseline does the same filtering and masking. */
async function sameWorkByHand(
  lake: BenchLakehouse,
  caller: Caller,
  table: string,
): Promise<(readParquet: string) => string> {
  const ident = parseTableName(table);
  const described = await lake.services.catalog.describeTable(ident);
  const columns = described.columns.map((c) => ({ name: c.name, type: c.type }));
  const policy = await lake.services.authorizer.readPolicy(
    caller.principal,
    [...ident.namespace, ident.name],
    columns,
  );
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const projected = (policy.columns ?? columns.map((c) => c.name)).map((name) => {
    const mask = policy.masks?.[name];
    return mask === undefined ? quote(name) : `(${mask}) AS ${quote(name)}`;
  });
  const where = policy.rowFilter === undefined ? '' : ` WHERE (${policy.rowFilter})`;
  return (readParquet) =>
    `(SELECT ${projected.join(', ')} FROM (SELECT * FROM ${readParquet}${where}) AS raw_rows)`;
}

export async function benchGovernedQuery(
  lake: BenchLakehouse,
  table: string,
  dataFiles: string[],
  sqlFor: (from: string) => string,
): Promise<QueryFigures> {
  const caller = await governedAnalyst(lake, table);
  const rawFrom = await sameWorkByHand(lake, caller, table);
  return benchQuery(lake, table, dataFiles, sqlFor, { caller, rawFrom });
}

export interface DecisionFigures {
  principals: number;
  grants: number;
  taggedTables: number;
  decisions: number;
  p50Ms: number;
  p99Ms: number;
  /** The same question as one indexed lookup of direct grants in the metastore. */
  lookupP50Ms: number;
  lookupP99Ms: number;
  listedTables: number;
  visibleTables: number;
  listMs: number;
  /** The same listing without permission filtering. */
  unfilteredListMs: number;
}

const LAYERS = ['bronze', 'silver', 'gold'] as const;
const tablePath = (i: number): string[] => [LAYERS[i % 3] as string, `ns${i % 50}`, `t${i}`];

/** A seeded pseudo-random source, so every run builds the same policy. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** 1,000 principals in 50 nested groups, 10,000 grants, 1,000 tables tagged, 20 tag policies. */
async function seedPolicy(lake: BenchLakehouse, rnd: () => number): Promise<number> {
  const { metastore } = lake.services;
  let grants = 0;
  await metastore.transaction(async (tx) => {
    for (let g = 0; g < 50; g++) await tx.groups.create({ name: `g${g}` });
    for (let g = 1; g < 50; g++)
      await tx.groups.addMember(`g${g}`, { kind: 'group', name: `g${g - 1}` });
    for (let u = 0; u < 1000; u++) {
      await tx.principals.create({ name: `u${u}`, kind: 'user', isAdmin: false });
      await tx.groups.addMember(`g${u % 50}`, { kind: 'principal', name: `u${u}` });
    }
    await tx.tags.createKey({
      key: 'domain',
      allowedValues: ['d0', 'd1', 'd2', 'd3', 'd4'],
      description: null,
      createdBy: 'admin',
    });
    for (let i = 0; i < 1000; i++) {
      const securable: Securable = { kind: 'table', path: tablePath(i) };
      await tx.tags.assign({ securable, key: 'domain', value: `d${i % 5}`, assignedBy: 'admin' });
    }
    for (let p = 0; p < 20; p++) {
      await tx.tags.createPolicy({
        expression: `domain=d${p % 5}`,
        privileges: ['SELECT'],
        grantee: { kind: 'group', name: `g${p}` },
        withGrantOption: false,
        createdBy: 'admin',
      });
    }
    while (grants < 10_000) {
      const path = tablePath(Math.floor(rnd() * 10_000));
      await tx.grants.upsert({
        securable:
          rnd() < 0.2 ? { kind: 'namespace', path: path.slice(0, 2) } : { kind: 'table', path },
        privilege: PRIVILEGES[Math.floor(rnd() * PRIVILEGES.length)] as Privilege,
        grantee:
          rnd() < 0.7
            ? { kind: 'principal', name: `u${Math.floor(rnd() * 1000)}` }
            : { kind: 'group', name: `g${Math.floor(rnd() * 50)}` },
        withGrantOption: false,
        grantedBy: 'admin',
      });
      grants++;
    }
    await tx.policyVersion.bump();
  });
  lake.services.authorizer.invalidate();
  return grants;
}

/** What a check that asks the database every time costs: one indexed query per decision. */
function directLookup(home: string): (path: string[], privilege: string, names: string[]) => void {
  const db = new Database(join(home, 'metastore.db'), { readonly: true });
  const statement = db.prepare(
    `SELECT 1 FROM grants WHERE securable_path IN (?, ?, ?) AND privilege = ?
     AND grantee_name IN (?, ?, ?) LIMIT 1`,
  );
  return (path, privilege, names) => {
    const ancestors = [path.slice(0, 1), path.slice(0, 2), path].map((p) => JSON.stringify(p));
    statement.get(...ancestors, privilege, ...names);
  };
}

async function timeDecisions(lake: BenchLakehouse, rnd: () => number) {
  const { authorizer } = lake.services;
  const lookup = directLookup(lake.home);
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let n = 0; n < 10_000; n++) {
    const u = Math.floor(rnd() * 1000);
    const principal = {
      id: `u${u}`,
      name: `u${u}`,
      kind: 'user' as const,
      isAdmin: false,
      authMethod: 'token' as const,
    };
    const privilege = PRIVILEGES[Math.floor(rnd() * PRIVILEGES.length)] as Privilege;
    const path = tablePath(Math.floor(rnd() * 10_000));
    ours.push(
      (await timed(() => authorizer.decide(principal, privilege, { kind: 'table', path }))).ms,
    );
    const started = process.hrtime.bigint();
    lookup(path, privilege, [`u${u}`, `g${u % 50}`, 'all_users']);
    theirs.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  return { ours: sorted(ours), theirs: sorted(theirs) };
}

/** 10,000 tables in one namespace; u7 may see the ones granted to it, its groups or tags. */
async function timeListing(lake: BenchLakehouse) {
  const { governed, catalog, metastore, auth } = lake.services;
  const namespace = ['bronze', 'listing'];
  await governed.createNamespace(lake.admin, namespace);
  await metastore.transaction(async (tx) => {
    for (let i = 0; i < 10_000; i++) {
      await tx.tables.create({
        namespace,
        name: `t${i}`,
        kind: 'iceberg',
        metadataLocation: `file:///bench/listing/t${i}/metadata/00000.metadata.json`,
        location: `bronze/listing/t${i}`,
      });
      if (i % 10 === 0) {
        await tx.grants.upsert({
          securable: { kind: 'table', path: [...namespace, `t${i}`] },
          privilege: 'SELECT',
          grantee: { kind: 'group', name: 'g7' },
          withGrantOption: false,
          grantedBy: 'admin',
        });
      }
    }
    await tx.policyVersion.bump();
  });
  lake.services.authorizer.invalidate();
  const record = await metastore.principals.getByName('u7');
  const issued = await auth.issueToken(record!.id, 'bench');
  const caller: Caller = {
    principal: await auth.authenticate(issued.token),
    context: { channel: 'api' },
  };
  await governed.listTables(caller, namespace);
  const filtered: number[] = [];
  const unfiltered: number[] = [];
  let visible = 0;
  for (let run = 0; run < 5; run++) {
    const ours = await timed(() => governed.listTables(caller, namespace));
    visible = ours.value.length;
    filtered.push(ours.ms);
    unfiltered.push((await timed(() => catalog.listTables(namespace))).ms);
  }
  return { visible, listMs: median(filtered), unfilteredListMs: median(unfiltered) };
}

export async function benchDecisions(lake: BenchLakehouse): Promise<DecisionFigures> {
  const rnd = seeded(42);
  const grants = await seedPolicy(lake, rnd);
  const { ours, theirs } = await timeDecisions(lake, rnd);
  const listing = await timeListing(lake);
  return {
    principals: 1000,
    grants,
    taggedTables: 1000,
    decisions: ours.length,
    p50Ms: percentile(ours, 50),
    p99Ms: percentile(ours, 99),
    lookupP50Ms: percentile(theirs, 50),
    lookupP99Ms: percentile(theirs, 99),
    listedTables: 10_000,
    visibleTables: listing.visible,
    listMs: listing.listMs,
    unfilteredListMs: listing.unfilteredListMs,
  };
}
