import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createServices, initHome } from '../../../src/app.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-classify-off-'));

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

it('catalog.classifyOnIngest: false leaves loads unclassified until asked', async () => {
  const overrides = { catalog: { classifyOnIngest: false } };
  const { config } = await initHome({ home: dir, env: {}, overrides });
  expect(config.catalog.classifyOnIngest).toBe(false);
  const services = await createServices(config);
  try {
    const admin = {
      principal: await services.auth.localAdmin(),
      context: { channel: 'cli' as const },
    };
    const file = path.join(dir, 'emails.csv');
    fs.writeFileSync(file, 'id,email\n1,a@example.com\n2,b@example.com\n');
    const table = { namespace: ['bronze', 'web'], name: 'emails' };
    await services.ingest.ingest(admin, { table, paths: [file] });
    expect(await services.classifications.list(admin, { table })).toEqual([]);
    const asked = await services.classifications.classify(admin, table);
    expect(asked.suggestions.map((s) => s.classification)).toEqual(['email']);
  } finally {
    await services.close();
  }
});
