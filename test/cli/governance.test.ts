import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, expectFailure, lakeward, type CliRun } from './run-cli.js';

let dir: string;
let home: string;
const run = (...args: string[]) => lakeward(home, ...args);

/** The CLI acting as another principal, as a user with an API token does. */
function runAs(token: string, ...args: string[]): CliRun {
  const result = spawnSync(
    process.execPath,
    [resolve('bin/lakeward.js'), '--home', home, ...args],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        LAKEWARD_TOKEN: token,
        LAKEWARD_DEBUG: '',
        LAKEWARD_LOG_LEVEL: 'silent',
      },
      timeout: 120_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lakeward-cli-governance-'));
  home = join(dir, 'lakehouse');
  expect(run('init').code).toBe(0);
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('lakeward governance commands', () => {
  let aliceToken: string;

  it('creates a user, a group and a token, and the token acts as that user', () => {
    expect(run('principals', 'create', 'alice').code).toBe(0);
    expect(run('groups', 'create', 'marketing_team').code).toBe(0);
    const added = run('groups', 'add-member', 'marketing_team', '--user', 'alice');
    expect(added.stdout).toContain('marketing_team: user alice');
    const issued = run('tokens', 'create', 'laptop', '--for', 'alice', '--expires-in', '30');
    expect(issued.code, issued.stderr).toBe(0);
    aliceToken = /lw_\S+/.exec(issued.stdout)![0];

    const whoami = runAs(aliceToken, 'whoami');
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(whoami.stdout).toMatch(/name:\s+alice/);
    expect(whoami.stdout).toMatch(/groups:\s+marketing_team/);
    expect(whoami.stdout).toMatch(/auth:\s+API token/);
    expectFailure(runAs(aliceToken, 'principals', 'create', 'mallory', '--admin'), 5);
  });

  it('grants in words, lists grants and revokes', () => {
    const granted = run(
      'grant',
      'SELECT,DESCRIBE',
      'on',
      'namespace',
      'bronze',
      'to',
      'group',
      'marketing_team',
    );
    expect(granted.code, granted.stderr).toBe(0);
    expect(granted.stdout).toContain(
      'Granted SELECT, DESCRIBE on namespace bronze to group marketing_team',
    );
    const listed = JSON.parse(
      run('grants', 'list', '--to', 'group', 'marketing_team', '--json').stdout,
    ) as {
      privilege: string;
    }[];
    expect(listed.map((g) => g.privilege).sort()).toEqual(['DESCRIBE', 'SELECT']);
    const revoked = run(
      'revoke',
      'SELECT',
      'on',
      'namespace',
      'bronze',
      'from',
      'group',
      'marketing_team',
    );
    expect(revoked.stdout).toContain('Revoked 1 grant');
    const wrong = expectFailure(
      run('grant', 'SELECT', 'namespace', 'bronze', 'to', 'group', 'x'),
      2,
    );
    expect(wrong).toContain('on KIND NAME');
  });

  it('shows an example in --help', () => {
    const help = run('grant', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(
      '$ lakeward grant SELECT,DESCRIBE on table gold.revenue.monthly to group marketing_team',
    );
  });

  it('audits each command and names the first broken link when the chain is edited', () => {
    const events = JSON.parse(run('audit', 'list', '--action', 'cli grant', '--json').stdout) as {
      decision: string;
      status: number;
      principal: { name: string };
    }[];
    expect(events).toEqual([
      expect.objectContaining({
        decision: 'allow',
        status: 0,
        principal: expect.objectContaining({ name: 'admin' }),
      }),
    ]);
    const denied = JSON.parse(
      run('audit', 'list', '--principal', 'alice', '--decision', 'deny', '--json').stdout,
    ) as { action: string; status: number }[];
    expect(denied).toContainEqual(
      expect.objectContaining({ action: 'cli principals create', status: 5 }),
    );

    const intact = run('audit', 'verify');
    expect(intact.code, intact.stderr).toBe(0);
    expect(intact.stdout).toContain('Audit chain intact');

    const db = new Database(join(home, 'metastore.db'));
    try {
      db.prepare(
        `UPDATE audit_events SET event = replace(event, '"allow"', '"deny"') WHERE seq = (SELECT min(seq) FROM audit_events WHERE action = 'cli grant')`,
      ).run();
      const seq = (
        db.prepare(`SELECT min(seq) AS seq FROM audit_events WHERE action = 'cli grant'`).get() as {
          seq: number;
        }
      ).seq;
      const broken = expectFailure(run('audit', 'verify'), 4);
      expect(broken).toContain(`event ${seq}`);
    } finally {
      db.close();
    }
  });
});
