import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { buildServer } from '../../src/server/index.js';
import { hostStreams } from '../../src/server/stream-host.js';
import { ensureBuilt, expectFailure, lakeward } from '../cli/run-cli.js';

/**
 * `lakeward streams` in one process, the server running the streams in another (here:
 * this test process): the server picks up what the CLI wrote, and the CLI shows the
 * status the server saved.
 */
describe('lakeward streams, with a server running on the same home', () => {
  let dir: string;
  let home: string;
  let services: Services;
  let app: FastifyInstance;
  let token: string;
  const run = (...args: string[]) => lakeward(home, ...args);

  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'lakeward-cli-streams-'));
    home = join(dir, 'lakehouse');
    const init = run('init');
    expect(init.code, init.stderr).toBe(0);
    token = /Admin API token[^\n]*\n\n\s+(\S+)/.exec(init.stdout)?.[1] ?? '';
    expect(token).not.toBe('');
    services = await createServices(loadConfig({ home, overrides: { logLevel: 'silent' } }));
    app = await buildServer(services);
    hostStreams(app, services, { pollMs: 300 });
    await app.ready();
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await services?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const push = (body: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/streams/pos_sales/records',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      payload: body,
    });

  it('creates a stream without the server, which picks it up and runs it', async () => {
    const created = run(
      'streams',
      'create',
      'pos_sales',
      '--table',
      'bronze.pos.sales',
      '--source',
      'http',
      '--max-interval-ms',
      '200',
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('Created stream pos_sales into bronze.pos.sales (http push)');
    expect(created.stdout).toContain('picks it up');

    let answer = await push('{"sku": "A1", "qty": 2}\n{"sku": "B2", "qty": 5}\n');
    for (let i = 0; i < 50 && answer.statusCode !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await push('{"sku": "A1", "qty": 2}\n{"sku": "B2", "qty": 5}\n');
    }
    expect(answer.statusCode, answer.body).toBe(200);

    // The server saves the status; the CLI, another process, shows it.
    const admin = {
      principal: await services.auth.localAdmin(),
      context: { channel: 'cli' as const },
    };
    for (let i = 0; i < 100; i++) {
      const saved = await services.metastore.streams.get('pos_sales');
      const status = saved && (await services.metastore.streams.status(saved.id));
      if (status?.status.committedRecords === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await services.streams.get(admin, 'pos_sales')).status).toMatchObject({
      committedRecords: 2,
    });
    const shown = JSON.parse(run('streams', 'status', 'pos_sales', '--json').stdout) as unknown;
    expect(shown).toMatchObject({ state: 'running', status: { committedRecords: 2, lag: 0 } });
    const human = run('streams', 'status', 'pos_sales');
    expect(human.stdout).toMatch(/Committed records:\s+2/);
    expect(human.stdout).toMatch(/Lag \(records\):\s+0/);
    const list = run('streams', 'list');
    expect(list.stdout).toMatch(/pos_sales\s+running\s+http push\s+bronze\.pos\.sales/);
  });

  it('pauses and resumes it from the CLI', async () => {
    expect(run('streams', 'pause', 'pos_sales').stdout).toContain('Stream pos_sales is paused.');
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect((await push('{"sku": "C3", "qty": 1}\n')).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 800));
    const count = async () =>
      Number(
        (
          await services.query.execute(
            { principal: await services.auth.localAdmin(), context: { channel: 'cli' } },
            'SELECT count(*) FROM bronze.pos.sales',
          )
        ).rows[0]![0],
      );
    expect(await count()).toBe(2);
    expect(run('streams', 'resume', 'pos_sales').stdout).toContain('is running');
    for (let i = 0; i < 50 && (await count()) < 3; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await count()).toBe(3);
  });

  it('refuses a broker lakeward.yaml does not allow, with exit code 5 and the fix', () => {
    const refused = run(
      'streams',
      'create',
      'clicks',
      '--table',
      'bronze.web.clicks',
      '--source',
      'kafka',
      '--brokers',
      '10.9.8.7:9092',
      '--topic',
      'clicks',
    );
    const stderr = expectFailure(refused, 5);
    expect(stderr).toContain(
      'error: Stream "clicks" may not connect to kafka://10.9.8.7:9092: not in streams.allowedSources (allowed: none).',
    );
    expect(stderr).toContain('streams: { allowedSources: ["kafka://10.9.8.7:9092"] }');
    expect(run('streams', 'list').stdout).not.toContain('clicks');
  });

  it('explains a bad option, and deletes the stream but not its table', async () => {
    const bad = run(
      'streams',
      'create',
      'clicks',
      '--table',
      'bronze.web.clicks',
      '--source',
      'kafka',
      '--topic',
      'clicks',
    );
    expect(expectFailure(bad, 2)).toContain('--brokers');
    expect(run('streams', 'delete', 'pos_sales').stdout).toContain('its table stays');
    expect(run('streams', 'list').stdout).toBe('(none)\n');
    expect(run('table', 'describe', 'bronze.pos.sales').code).toBe(0);
  });
});
