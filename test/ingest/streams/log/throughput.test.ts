import { afterAll, describe, expect, it } from 'vitest';
import { openWriteAheadLog } from '../../../../src/ingest/streams/index.js';
import { records, segmentFiles, tempLogDir } from './temp-log.js';

const temp = tempLogDir();
afterAll(() => temp.remove());

describe('write-ahead log throughput', () => {
  it('takes 50,000 records/s of ~200 bytes from 100 concurrent producers, each append fsynced', async () => {
    const log = await openWriteAheadLog(temp.dir, { quotaBytes: 4 * 1024 ** 3 });
    const batch = records('bench', 500, 200);
    const latencies: number[] = [];
    const started = performance.now();
    const until = started + 3000;
    let bytes = 0;
    async function producer(): Promise<void> {
      while (performance.now() < until) {
        const t = performance.now();
        await log.append({ records: batch });
        latencies.push(performance.now() - t);
        bytes += batch.reduce((n, r) => n + r.length, 0);
      }
    }
    await Promise.all(Array.from({ length: 100 }, producer));
    const seconds = (performance.now() - started) / 1000;
    await log.close();
    latencies.sort((a, b) => a - b);
    const appends = latencies.length;
    const recordsPerSecond = (appends * batch.length) / seconds;
    const p99 = latencies[Math.floor(appends * 0.99)] ?? 0;
    console.log(
      `WAL throughput: ${(appends / seconds).toFixed(0)} appends/s of 500 records, ` +
        `${recordsPerSecond.toFixed(0)} records/s, ${(bytes / seconds / 1024 ** 2).toFixed(1)} MB/s, ` +
        `p50 ${(latencies[Math.floor(appends / 2)] ?? 0).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ` +
        `${segmentFiles(temp.dir).length} segments`,
    );
    expect(recordsPerSecond).toBeGreaterThan(50_000);
  });

  it('acknowledges 100 requests/s of 500 records quickly when that is the offered load', async () => {
    const log = await openWriteAheadLog(temp.dir, { quotaBytes: 4 * 1024 ** 3 });
    const batch = records('paced', 500, 200);
    const latencies: number[] = [];
    const pending: Array<Promise<void>> = [];
    const started = performance.now();
    for (let i = 0; i < 300; i++) {
      const due = started + i * 10;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t = performance.now();
      pending.push(
        log.append({ records: batch }).then(() => void latencies.push(performance.now() - t)),
      );
    }
    await Promise.all(pending);
    const seconds = (performance.now() - started) / 1000;
    await log.close();
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? 0;
    console.log(
      `WAL at 100 appends/s x 500 records: ${((300 * 500) / seconds).toFixed(0)} records/s, ` +
        `p50 ${(latencies[150] ?? 0).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
    );
    expect(p99).toBeLessThan(1000);
  });
});
