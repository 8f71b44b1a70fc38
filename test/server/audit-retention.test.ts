import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app.js';
import { defaultsFor, parseConfig } from '../../src/config/index.js';
import { HashChainAuditLog } from '../../src/governance/index.js';
import { startServer } from '../../src/server/index.js';

const DAY_MS = 24 * 60 * 60 * 1000;
let home: string;
let services: Services | undefined;

afterEach(async () => {
  await services?.close();
  rmSync(home, { recursive: true, force: true });
});

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
}

describe('a running server', () => {
  it('removes audit events older than audit.retentionDays and keeps the chain verifiable', async () => {
    home = mkdtempSync(join(tmpdir(), 'lakeward-retention-'));
    // No init: its own events would be newer than the one written "400 days ago".
    const config = parseConfig({
      ...defaultsFor(home),
      logLevel: 'silent',
      server: { port: 0 },
      audit: { retentionDays: 30 },
    });
    services = await createServices(config);
    const record = await services.metastore.principals.create({
      name: 'admin',
      kind: 'user',
      isAdmin: true,
    });
    const principal = { ...record, kind: 'user' as const, authMethod: 'local' as const };
    const admin = { principal, context: { channel: 'cli' as const } };
    const longAgo = new HashChainAuditLog(services.metastore, {
      authorizer: services.authorizer,
      retentionDays: 30,
      now: () => new Date(Date.now() - 400 * DAY_MS),
    });
    await longAgo.record({ caller: admin, action: 'query', decision: 'allow' });
    await services.audit.record({ caller: admin, action: 'query', decision: 'allow' });
    const all = () => services!.audit.query(admin, { action: 'query' });
    expect(await all()).toHaveLength(2);

    const app = await startServer(services);
    try {
      await until(async () => (await all()).length === 1);
      expect(await all()).toHaveLength(1);
      expect((await services.audit.verify()).ok).toBe(true);
    } finally {
      await app.close();
    }
  });
});
