// A home made with the built CLI holding one table loaded one retail day at a time (one
// small file and one snapshot per day, as a stream's micro-batches leave them): what the
// table maintenance CLI tests (compact, expire-snapshots) start from.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { retailDays } from '../catalog/compaction/retail-appends.js';
import { ensureBuilt, lakeward } from './run-cli.js';

export const RETAIL_DAYS_TABLE = 'bronze.retail.days';

/** Made before the calling file's tests, removed after; `run` calls the CLI on it. */
export function retailDaysHome(prefix: string, days: number) {
  let dir: string | undefined;
  let home = '';
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), `lakeward-cli-${prefix}-`));
    home = join(dir, 'lakehouse');
    expect(lakeward(home, 'init').code).toBe(0);
    for (const day of retailDays(days)) {
      const loaded = lakeward(home, 'ingest', day, '--table', RETAIL_DAYS_TABLE);
      expect(loaded.code, loaded.stderr).toBe(0);
    }
  }, 300_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    run: (...args: string[]) => lakeward(home, ...args),
    /** The table as `lakeward table describe --json` shows it. */
    described(): { fileCount: number; snapshotCount: number } {
      const shown = lakeward(home, 'table', 'describe', RETAIL_DAYS_TABLE, '--json');
      expect(shown.code, shown.stderr).toBe(0);
      return JSON.parse(shown.stdout) as { fileCount: number; snapshotCount: number };
    },
  };
}
