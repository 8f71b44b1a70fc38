import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { invalidJobFiles, readJobFiles } from '../../src/pipelines/job-yaml.js';

const GOOD = `name: clean
target: silver.shop.orders
mode: append
sql: SELECT 1 AS x
`;

/** The issues of one file, as `line:column message-fragment`. */
function issuesOf(text: string) {
  return readJobFiles([{ path: 'jobs.yaml', text }]).issues.map(
    (i) => `${i.line}:${i.column} ${i.message}`,
  );
}

describe('job YAML', () => {
  it('reads the example pipelines folder without issues', () => {
    const dir = path.resolve('examples/pipelines');
    const files = fs.readdirSync(dir).map((f) => ({
      path: f,
      text: fs.readFileSync(path.join(dir, f), 'utf8'),
    }));
    const { jobs, issues } = readJobFiles(files);
    expect(issues).toEqual([]);
    expect(jobs.map((j) => j.spec.name).sort()).toEqual([
      'gold_customer_value',
      'gold_revenue',
      'silver_orders',
    ]);
    const silver = jobs.find((j) => j.spec.name === 'silver_orders')?.spec;
    expect(silver).toMatchObject({ mode: 'merge', keys: ['order_id'], dedupe: true });
    expect(silver?.quality?.onFailure).toBe('quarantine');
    expect(silver?.retries).toEqual({ max: 2, backoffMs: 30000 });
  });

  it('fills defaults', () => {
    const [job] = readJobFiles([{ path: 'a.yaml', text: GOOD }]).jobs;
    expect(job?.spec).toMatchObject({
      after: [],
      keys: [],
      dedupe: false,
      schedule: null,
      runAs: null,
      quality: null,
      retries: { max: 0, backoffMs: 1000 },
    });
  });

  it('points at an unknown key, on its line', () => {
    expect(issuesOf(`${GOOD}shedule: "0 3 * * *"\n`)).toEqual([
      expect.stringMatching(/^5:1 unknown key "shedule"/),
    ]);
  });

  it('points at a value of the wrong type', () => {
    expect(issuesOf(`${GOOD}dedupe: yes please\nretries:\n  max: many\n`)).toEqual([
      expect.stringMatching(/^5:1 "dedupe" must be true or false/),
      expect.stringMatching(/^7:3 "max" must be a whole number/),
    ]);
  });

  it('refuses an unknown mode', () => {
    expect(issuesOf(GOOD.replace('mode: append', 'mode: upsert'))).toEqual([
      expect.stringMatching(
        /^3:1 unknown mode "upsert" \(one of append, overwrite, merge, incremental\)/,
      ),
    ]);
  });

  it('refuses a bad cron schedule', () => {
    expect(issuesOf(`${GOOD}schedule: "0 3"\n`)).toEqual([
      expect.stringMatching(/^5:1 "0 3" is not a cron expression: it has 2 fields/),
    ]);
  });

  it('refuses a target outside silver and gold', () => {
    expect(issuesOf(GOOD.replace('silver.shop.orders', 'bronze.shop.orders'))).toEqual([
      expect.stringMatching(/^2:1 the target "bronze.shop.orders" is not in silver or gold/),
    ]);
  });

  it('needs keys for merge and dedupe', () => {
    expect(issuesOf(GOOD.replace('mode: append', 'mode: merge') + 'dedupe: true\n')).toEqual([
      expect.stringMatching(/^3:1 mode merge needs key columns/),
      expect.stringMatching(/^5:1 dedupe needs key columns/),
    ]);
  });

  it('reports missing required keys at the start of the job', () => {
    expect(issuesOf('name: clean\nmode: append\n')).toEqual([
      expect.stringMatching(/^1:1 "target" is required/),
      expect.stringMatching(/^1:1 "sql" is required/),
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const issues = issuesOf('name: clean\ntarget: [silver.shop.orders\n');
    expect(issues[0]).toMatch(/^3:1 /);
  });

  it('refuses the same job name twice across files', () => {
    const { issues } = readJobFiles([
      { path: 'a.yaml', text: GOOD },
      { path: 'b.yaml', text: `# again\n${GOOD}` },
    ]);
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'b.yaml',
        line: 2,
        message: 'the job "clean" is also defined in a.yaml:1',
      }),
    ]);
  });

  it('reads several jobs from one file separated by ---', () => {
    const { jobs } = readJobFiles([
      { path: 'a.yaml', text: `${GOOD}---\n${GOOD.replace('name: clean', 'name: other')}` },
    ]);
    expect(jobs.map((j) => j.spec.name)).toEqual(['clean', 'other']);
  });

  it('lists every issue as file:line:column in one error', () => {
    const { issues } = readJobFiles([
      { path: 'b.yaml', text: GOOD.replace('mode: append', 'mode: nope') },
      { path: 'a.yaml', text: `${GOOD}extra: 1\n` },
    ]);
    const err = invalidJobFiles(issues);
    expect(err.code).toBe('INVALID_JOB_FILE');
    expect(err.message.split('\n').slice(1)).toEqual([
      expect.stringMatching(/^a\.yaml:5:1: unknown key "extra"/),
      expect.stringMatching(/^b\.yaml:3:1: unknown mode "nope"/),
    ]);
  });
});
