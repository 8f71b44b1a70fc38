import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openWriteAheadLog } from '../../../../src/ingest/streams/index.js';
import { tempLogDir } from './temp-log.js';

const CHILD = path.resolve('test/ingest/streams/log/crash-child.ts');
const KILLS = Number(process.env.LAKEWARD_WAL_CRASH_KILLS ?? '10');
const temp = tempLogDir();
afterAll(() => temp.remove());

interface Ack {
  first: bigint;
  last: bigint;
  tag: string;
  i: number;
}

/** Runs the appending child and SIGKILLs it `delayMs` after its first acknowledgement. */
function runUntilKilled(tag: string, delayMs: number): Promise<{ acks: Ack[]; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, temp.dir, tag], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (timer === undefined && output.includes('ack '))
        timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`the child ended by itself:\n${output}`));
      // A line cut by the kill was never fully printed, so it does not count as acknowledged.
      const acks = output
        .split('\n')
        .slice(0, -1)
        .filter((l) => l.startsWith('ack '))
        .map((l) => {
          const [, first = '', last = '', t = '', i = ''] = l.split(' ');
          return { first: BigInt(first), last: BigInt(last), tag: t, i: Number(i) };
        });
      resolve({ acks, output });
    });
  });
}

describe('a write-ahead log whose process is killed with SIGKILL', () => {
  it('keeps every acknowledged record with its exact bytes, with no gaps or repeats', async () => {
    const acked: Ack[] = [];
    for (let round = 0; round < KILLS; round++) {
      const { acks } = await runUntilKilled(`t${round}`, 50 + Math.floor(Math.random() * 400));
      expect(acks.length).toBeGreaterThan(0);
      acked.push(...acks);
    }
    const log = await openWriteAheadLog(temp.dir, { quotaBytes: 1024 * 1024 * 1024 });
    try {
      const all = await log.read('0', { records: 10_000_000, maxBytes: 2 ** 40 });
      expect(all.map((r) => r.sequence)).toEqual(all.map((_, i) => String(i + 1)));
      expect(log.lastSequence()).toBe(String(all.length));
      for (const ack of acked) {
        for (let s = ack.first; s <= ack.last; s++) {
          const value = JSON.parse(all[Number(s) - 1]?.value.toString() ?? 'null') as {
            tag: string;
            i: number;
            r: number;
          };
          expect(value).toMatchObject({ tag: ack.tag, i: ack.i, r: Number(s - ack.first) });
        }
      }
      // Every stored record belongs to one whole entry: unacknowledged entries are all or nothing.
      const entries = new Map<string, number>();
      for (const r of all) {
        const v = JSON.parse(r.value.toString()) as { tag: string; i: number };
        entries.set(`${v.tag}-${v.i}`, (entries.get(`${v.tag}-${v.i}`) ?? 0) + 1);
      }
      for (const [key, count] of entries)
        expect(count, key).toBe(1 + (Number(key.split('-')[1]) % 9));
      expect(acked.length).toBeGreaterThan(KILLS);
    } finally {
      await log.close();
    }
  }, 300_000);
});
