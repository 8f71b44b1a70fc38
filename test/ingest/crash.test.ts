import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, initHome } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { RETAIL_DAYS, csvCount, tempLakehouse } from './temp-lakehouse.js';

const CHILD = path.resolve('test/ingest/crash-child.ts');
const KILLS = Number(process.env.LAKEWARD_CRASH_KILLS ?? '6');

let home: string;
const files = fs
  .readdirSync(RETAIL_DAYS)
  .slice(0, 40)
  .map((f) => path.join(RETAIL_DAYS, f));

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-crash-'));
  await initHome({ home, env: {} });
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

interface Kill {
  /** The progress line (e.g. "commit", "load") after which the process dies. */
  phase: string;
  delayMs: number;
}

/** Runs the ingest in a child process, SIGKILLed a little after it reports `kill.phase`. */
function runChild(table: string, kill?: Kill): Promise<{ killed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, home, table, ...files], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (kill !== undefined && output.includes(`${kill.phase} `)) {
        setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ killed: signal === 'SIGKILL', output }));
  });
}

async function rowsOf(table: string): Promise<number | undefined> {
  const services = await createServices(loadConfig({ home, env: {} }));
  try {
    const [, ns, name] = table.split('.');
    const ident = { namespace: ['bronze', ns ?? ''], name: name ?? '' };
    if (!(await services.catalog.tableExists(ident))) return undefined;
    return (await services.catalog.describeTable(ident)).recordCount;
  } finally {
    await services.close();
  }
}

describe('an ingest killed with SIGKILL', () => {
  it('leaves the old or the new snapshot, never a mix, and a re-run loads each row exactly once', async () => {
    const lake = await tempLakehouse();
    const [expected] = await lake.duck<{ n: number }>(csvCount(files));
    await lake.close();
    const total = expected?.n ?? -1;
    let killedMidway = 0;
    for (let i = 0; i < KILLS; i++) {
      const table = `bronze.retail.crash_${i}`;
      const phase = ['scan', 'load', 'commit'][i % 3] ?? 'commit';
      const run = await runChild(table, { phase, delayMs: Math.floor(Math.random() * 40) });
      if (run.killed) killedMidway++;
      expect([undefined, 0, total]).toContain(await rowsOf(table));
      const rerun = await runChild(table);
      expect(rerun.output).toMatch(/done \d+/);
      expect(await rowsOf(table)).toBe(total);
    }
    expect(killedMidway).toBeGreaterThan(0);
  }, 900_000);
});
