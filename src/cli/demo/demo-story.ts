import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { tempDirOf, type Services } from '../../app.js';
import { parseTableName } from '../../catalog/index.js';
import { Conflict, ErrorKind, LakewardError, PermissionDenied } from '../../errors/index.js';
import type { Caller, Grantee, Privilege, Securable } from '../../governance/index.js';
import { DEMO_JOBS, DEMO_QUERIES, DEMO_TABLES as T } from './demo-plan.js';
import { writeDemoData } from './demo-data.js';

/** What the demo made, for the summary and for `--json`. */
export interface DemoReport {
  tables: Record<string, number>;
  tokens: { principal: string; token: string }[];
  queries: { title: string; sql: string; columns: string[]; rows: unknown[][] }[];
}

const group = (name: string): Grantee => ({ kind: 'group', name });
const namespace = (name: string): Securable => ({ kind: 'namespace', path: name.split('.') });
const table = (name: string): Securable => ({ kind: 'table', path: name.split('.') });

/**
 * The brief's walkthrough on this home, as its admin: bronze CRM data, silver cleaning
 * under quality rules, gold tables for marketing and AI, the brief's grants, row filter
 * and mask, and the data scientist's query run with her own token. `say` gets one line
 * per step. Refuses a home where it already ran, so nothing is made twice.
 */
export async function runDemo(
  services: Services,
  admin: Caller,
  say: (line: string) => void,
): Promise<DemoReport> {
  // It creates users, groups and grants: an admin's work, refused before anything is made.
  if (!admin.principal.isAdmin) {
    throw new PermissionDenied(
      'PERMISSION_DENIED',
      `The demo sets up users, groups and grants; ${admin.principal.name} is not an admin.`,
      { hint: "Run it as the home's local admin: unset LAKEWARD_TOKEN (or use an admin's token)." },
    );
  }
  if (await services.catalog.tableExists(parseTableName(T.sales))) {
    throw new Conflict(
      'DEMO_ALREADY_RAN',
      `The demo already ran on ${services.config.home} (${T.sales} exists).`,
      {
        hint: 'It runs once per home; try it on a new one: lakeward init --home demo && lakeward demo --home demo',
      },
    );
  }
  const files = await writeDemoData(join(tempDirOf(services.config), 'demo'));
  say(`1. Generated the CRM export (fixed seed) in ${join(tempDirOf(services.config), 'demo')}`);

  for (const [name, description] of [
    ['bronze.crm', 'Raw exports of the CRM, as received'],
    ['silver.crm', 'Cleaned CRM data: typed, deduplicated, checked'],
    ['gold.revenue', 'Revenue figures for marketing and data science'],
  ] as const) {
    await ensureNamespace(services, admin, name, description);
  }
  for (const [name, path] of [
    [T.customers, files.customers],
    [T.sales, files.sales],
  ] as const) {
    const loaded = await services.ingest.ingest(admin, {
      paths: [path],
      table: parseTableName(name),
      sourceSystem: 'crm',
    });
    say(`2. Ingested ${loaded.rowsWritten} rows into ${name} (source_system crm)`);
  }

  for (const [name, description] of [
    ['marketing_team', 'Campaign analysts: read gold revenue'],
    ['data_scientists', 'Model builders: US customers, ssn masked'],
    ['hr_privileged', 'May see ssn unmasked'],
  ] as const) {
    await services.directory.createGroup(admin, { name, description });
  }
  const tokens: DemoReport['tokens'] = [];
  for (const [user, member] of [
    ['mia', 'marketing_team'],
    ['dana', 'data_scientists'],
  ] as const) {
    await services.directory.createPrincipal(admin, { name: user, kind: 'user' });
    await services.directory.addMember(admin, member, { kind: 'principal', name: user });
    const issued = await services.directory.issueToken(admin, { principal: user, name: 'demo' });
    tokens.push({ principal: user, token: issued.token });
  }
  say('3. Created groups marketing_team, data_scientists, hr_privileged; users mia and dana');

  for (const job of DEMO_JOBS) {
    await services.jobs.create(admin, job);
    const run = await services.jobs.run(admin, job.name, { wait: true });
    if (run.status !== 'succeeded') {
      throw new Conflict(
        'DEMO_STEP_FAILED',
        `The demo job ${job.name} ${run.status}: ${run.error?.message ?? 'no error was recorded'}.`,
        {
          hint: `See its run with lakeward jobs runs ${job.name}; then try the demo on a new home.`,
        },
      );
    }
    const quality = run.quality === null ? '' : `, quality ${run.quality.status}`;
    say(
      `4. Job ${job.name}: ${run.rowsRead} rows read, ${run.rowsWritten} written to ${job.target}${quality}`,
    );
  }

  await services.glossary.createTerm(admin, {
    name: 'Revenue',
    definition: 'Sum of the amounts of completed sales (refunds and zero lines excluded).',
    owner: group('marketing_team'),
  });
  await services.glossary.createTerm(admin, {
    name: 'Customer LTV',
    definition: 'Customer lifetime value: what a customer has spent so far.',
    synonyms: ['CLV', 'lifetime value', 'ltv'],
    parent: 'Revenue',
    owner: group('data_scientists'),
  });
  for (const job of DEMO_JOBS) {
    const gold = job.target.startsWith('gold.');
    await services.metadata.update(
      admin,
      { kind: 'table', path: job.target.split('.') },
      {
        description: job.description,
        // The brief's gold row: marketing owns the business figures.
        ...(gold && {
          owner: { ...group('marketing_team'), contactEmail: 'marketing@company.com' },
        }),
      },
    );
  }
  await services.goldTables.declare(admin, T.revenue, { businessMetric: 'Revenue' });
  await services.goldTables.declare(admin, T.ltv, {
    businessMetric: 'Customer LTV',
    featureStore: {
      reference: 'customer_ltv_feature_group',
      entityKeys: ['customer_id'],
      eventTimeColumn: 'last_purchase',
    },
  });
  await services.goldTables.addModel(admin, T.ltv, {
    modelId: 'churn_v3',
    owner: 'data_scientists',
    description: 'Churn prediction, trained on customer LTV features',
  });
  say('5. Glossary terms "Revenue" and "Customer LTV" set as business metrics of the gold tables;');
  say('   customer_ltv feeds the feature group customer_ltv_feature_group and the model churn_v3');

  await grants(services, admin);
  say(`6. SELECT on gold.revenue to marketing_team; data_scientists read ${T.customers}`);
  say(
    "   through the filter region = 'US', with ssn masked (MASK_SHOW_LAST_4; hr_privileged exempt)",
  );

  const dana = {
    principal: await services.auth.authenticate(tokens.find((t) => t.principal === 'dana')!.token),
    context: { channel: 'cli' as const, requestId: randomUUID() },
  };
  const queries: DemoReport['queries'] = [];
  for (const query of DEMO_QUERIES) {
    const result = await services.query.execute(dana, query.sql, { maxRows: 10 });
    queries.push({ ...query, columns: result.columns.map((c) => c.name), rows: result.rows });
  }
  say("7. Ran the data scientist's queries as dana, with her token:");

  const tables: Record<string, number> = {};
  for (const name of Object.values(T)) {
    const counted = await services.query.execute(admin, `SELECT count(*) FROM ${name}`);
    tables[name] = Number(counted.rows[0]?.[0]);
  }
  return { tables, tokens, queries };
}

async function ensureNamespace(
  services: Services,
  admin: Caller,
  name: string,
  description: string,
): Promise<void> {
  try {
    await services.governed.createNamespace(admin, name.split('.'), { description });
  } catch (err) {
    // A home that already has the namespace (from an earlier ingest) keeps it as it is.
    if (!(err instanceof LakewardError && err.kind === ErrorKind.conflict)) throw err;
  }
}

/** The brief's governance: marketing reads gold revenue; data scientists US customers, ssn masked. */
async function grants(services: Services, admin: Caller): Promise<void> {
  const grant = (privileges: Privilege[], securable: Securable, to: string) =>
    services.policies.grant(admin, { privileges, securable, grantee: group(to) });
  await grant(['USAGE'], namespace('gold'), 'marketing_team');
  await grant(['USAGE', 'SELECT'], namespace('gold.revenue'), 'marketing_team');
  for (const ns of ['gold', 'gold.revenue', 'bronze', 'bronze.crm']) {
    await grant(['USAGE'], namespace(ns), 'data_scientists');
  }
  await grant(['SELECT'], table(T.ltv), 'data_scientists');
  // No SELECT on the whole table: the filter is the only way in.
  await grant(['DESCRIBE'], table(T.customers), 'data_scientists');
  await services.policies.createDataFilter(admin, {
    name: 'us_only',
    table: T.customers.split('.'),
    rowPredicate: "region = 'US'",
    grantees: [group('data_scientists')],
  });
  await services.policies.setColumnMask(admin, {
    table: T.customers.split('.'),
    column: 'ssn',
    function: 'MASK_SHOW_LAST_4',
    exempt: [group('hr_privileged')],
  });
}
