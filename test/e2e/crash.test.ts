// SIGKILL in the middle of ingest commits, many times: afterwards the table shows the
// old or the new snapshot, never a mix, and re-running the loads completes them exactly once.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, lakeward } from '../cli/run-cli.js';

const RETAIL = resolve('../shared/data/retail/by-day');
const FILES = readdirSync(RETAIL)
  .filter((f) => f.endsWith('.csv'))
  .sort()
  .slice(0, 24)
  .map((f) => join(RETAIL, f));
const TABLE = 'bronze.retail.crash';
const KILLS = 20;

/** A deterministic generator, so a failing run can be replayed. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

async function expectedRows(files: string[]): Promise<Map<string, number>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const counts = new Map<string, number>();
  for (const file of files) {
    const rows = (
      await connection.runAndReadAll(`SELECT count(*) FROM read_csv('${file}')`)
    ).getRows();
    counts.set(file, Number(rows[0]![0]));
  }
  connection.closeSync();
  instance.closeSync();
  return counts;
}

function ingestKilledAfter(home: string, file: string, delayMs: number): Promise<number> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [resolve('bin/lakeward.js'), '--home', home, 'ingest', file, '--table', TABLE],
      { stdio: 'ignore', env: { ...process.env, LAKEWARD_LOG_LEVEL: 'silent' } },
    );
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done(code ?? -9);
    });
  });
}

/** Rows per source file and batches per file, as a reader sees them now. */
function tableState(home: string): Map<string, { rows: number; batches: number }> {
  const run = lakeward(
    home,
    'query',
    `SELECT _source_file, count(*) AS n, count(DISTINCT _batch_id) AS b FROM ${TABLE} GROUP BY 1`,
    '--format',
    'json',
  );
  if (run.code !== 0 && /does not exist/.test(run.stderr)) return new Map();
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const parsed = JSON.parse(run.stdout) as
    { rows: [string, number, number][] } | [string, number, number][];
  const rows = Array.isArray(parsed) ? parsed : parsed.rows;
  return new Map(rows.map((r) => [r[0], { rows: Number(r[1]), batches: Number(r[2]) }]));
}

describe('crash safety of ingest commits', () => {
  let home: string;
  let expected: Map<string, number>;

  beforeAll(async () => {
    ensureBuilt();
    home = mkdtempSync(join(tmpdir(), 'lakeward-crash-'));
    expect(lakeward(home, 'init').code).toBe(0);
    expected = await expectedRows(FILES);
  });

  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it(`shows whole batches only after ${KILLS} SIGKILLs, then completes every file exactly once`, async () => {
    const started = Date.now();
    expect(await ingestKilledAfter(home, FILES[0]!, 120_000)).toBe(0);
    const fullRunMs = Date.now() - started;
    const random = seeded(20261125);
    let killedMidway = 0;

    for (let i = 1; i <= KILLS; i++) {
      const delay = Math.round(fullRunMs * (0.3 + 0.8 * random()));
      const code = await ingestKilledAfter(home, FILES[i]!, delay);
      if (code !== 0) killedMidway++;
      for (const [file, state] of tableState(home)) {
        expect(state.rows, `rows of ${file} after kill ${i}`).toBe(expected.get(file));
        expect(state.batches, `batches of ${file} after kill ${i}`).toBe(1);
      }
    }
    expect(killedMidway).toBeGreaterThan(KILLS / 4);

    for (const file of FILES.slice(0, KILLS + 1)) {
      const rerun = lakeward(home, 'ingest', file, '--table', TABLE);
      expect(rerun.code, rerun.stderr).toBe(0);
    }
    const final = tableState(home);
    expect(final.size).toBe(KILLS + 1);
    for (const [file, state] of final) {
      expect(state.rows).toBe(expected.get(file));
      expect(state.batches).toBe(1);
    }
  }, 600_000);
});
