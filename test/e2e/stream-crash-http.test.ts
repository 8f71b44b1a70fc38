// Issue 6: an HTTP stream whose server is SIGKILLed at random moments while clients push
// NDJSON. Every request that was acknowledged is in the table exactly once; a request
// whose client gave up without an answer is there whole or not at all.
import { describe, expect, it } from 'vitest';
import {
  between,
  caughtUp,
  checksumOf,
  crashHome,
  createStream,
  numberedEvents,
  query,
  seeded,
  sleep,
  note,
  streamStatus,
} from './stream-crash-harness.js';

const SEED = 60_601;
const KILLS = 20;
const DAYS = 30;
const PER_REQUEST = 500;
const WORKERS = 2;
/** Of the pushes that get no answer, the share whose client gives up instead of retrying. */
const GIVE_UP = 0.15;
const TABLE = 'bronze.pos.crash_http';

type Outcome = 'acknowledged' | 'abandoned';

describe('an HTTP stream whose server is killed again and again', () => {
  it('keeps every acknowledged request exactly once and each unanswered one whole or not at all', async () => {
    const random = seeded(SEED);
    const data = await numberedEvents(DAYS);
    const requests: string[][] = [];
    for (let i = 0; i < data.events.length; i += PER_REQUEST) {
      requests.push(data.events.slice(i, i + PER_REQUEST));
    }
    note(`${requests.length} requests of ${PER_REQUEST} events`);
    const { served, remove } = await crashHome('stream-crash-http');
    note('server up');
    try {
      await createStream(served, {
        name: 'pos_crash',
        table: TABLE,
        source: { kind: 'http' },
        format: 'ndjson',
        batch: { maxIntervalMs: 300 },
      });

      const outcomes: Outcome[] = [];
      let next = 0;
      let sends = 0;
      let duplicates = 0;
      let answered = 0;
      let failures = 0;
      const reasons = new Map<string, number>();
      const push = async (i: number): Promise<Outcome> => {
        const body = requests[i]!.join('\n') + '\n';
        let retrying = false;
        for (;;) {
          sends++;
          let answer: Response;
          try {
            answer = await served.api('/api/v1/streams/pos_crash/records', {
              method: 'POST',
              headers: {
                'content-type': 'application/x-ndjson',
                'idempotency-key': `request-${i}`,
              },
              body,
            });
          } catch (err) {
            // No answer: the server died before, during or after logging it.
            failures++;
            const cause = String((err as Error & { cause?: { code?: string } }).cause?.code);
            reasons.set(cause, (reasons.get(cause) ?? 0) + 1);
            // Some clients give up at once; the others retry until they get an answer.
            if (!retrying && random() < GIVE_UP) return 'abandoned';
            retrying = true;
            await sleep(between(random, 50, 200));
            continue;
          }
          if (answer.status === 200) {
            const result = (await answer.json()) as { accepted: number; duplicate: boolean };
            expect(result.accepted).toBe(requests[i]!.length);
            if (result.duplicate) duplicates++;
            answered++;
            return 'acknowledged';
          }
          // Full log (429) or a server still starting its streams: wait and send it again.
          expect([429, 503], await answer.text()).toContain(answer.status);
          await sleep(Number(answer.headers.get('retry-after') ?? '0.2') * 1000);
        }
      };
      // Paced by the kills: the pushes spread over every life of the server, the last
      // ones after the last kill.
      let kills = 0;
      let waiting = 0;
      const quota = () => Math.ceil(((kills + 1) * requests.length) / (KILLS + 1));
      const producing = Promise.all(
        Array.from({ length: WORKERS }, async () => {
          while (next < requests.length) {
            if (next >= quota()) {
              waiting++;
              while (next >= quota()) await sleep(5);
              waiting--;
              continue;
            }
            const i = next++;
            outcomes[i] = await push(i);
          }
        }),
      );

      // Each kill comes a random few answers after the restart, then a random moment later:
      // a push is on its way, being logged and fsynced, or answered (the answer maybe lost).
      while (kills < KILLS) {
        const target = answered + between(random, 0, 3);
        const giveUpAt = Date.now() + 20_000;
        while (answered < target && waiting < WORKERS && Date.now() < giveUpAt) await sleep(2);
        await sleep(between(random, 0, 60));
        await served.kill();
        kills++;
        await sleep(between(random, 0, 300));
        await served.start();
        note(
          `kill ${kills}: ${sends} pushes sent, ${answered} answered, ${outcomes.filter(Boolean).length} done`,
        );
      }
      await producing;
      note('producers done');

      const acknowledged = outcomes.flatMap((o, i) => (o === 'acknowledged' ? [i] : []));
      const abandoned = outcomes.flatMap((o, i) => (o === 'abandoned' ? [i] : []));
      // Most requests were answered (some only after retries); the rest were given up.
      expect(acknowledged.length).toBeGreaterThan(requests.length * 0.6);
      const ackedEvents = acknowledged.reduce((n, i) => n + requests[i]!.length, 0);
      const state = await caughtUp(served, TABLE, ackedEvents, 60_000);
      note(`caught up: ${JSON.stringify(state)}; no answer: ${JSON.stringify([...reasons])}`);
      const stream = await streamStatus(served, 'pos_crash');
      // Every acknowledged event is committed (else: what the stream reports, e.g. its last error).
      expect(state.events, JSON.stringify(stream.status)).toBeGreaterThanOrEqual(ackedEvents);

      const perRequest = new Map(
        (
          await query(
            served,
            `SELECT seq // ${PER_REQUEST}, count(*), count(DISTINCT seq) FROM ${TABLE} GROUP BY 1`,
          )
        ).map(([i, rows, distinct]) => [
          Number(i),
          { rows: Number(rows), distinct: Number(distinct) },
        ]),
      );
      for (const i of acknowledged) {
        expect(perRequest.get(i), `acknowledged request ${i}`).toEqual({
          rows: requests[i]!.length,
          distinct: requests[i]!.length,
        });
      }
      const landed: number[] = [];
      for (const i of abandoned) {
        const seen = perRequest.get(i) ?? { rows: 0, distinct: 0 };
        expect([0, requests[i]!.length], `unanswered request ${i}`).toContain(seen.rows);
        expect(seen.distinct).toBe(seen.rows);
        if (seen.rows > 0) landed.push(i);
      }
      const inTable = [...acknowledged, ...landed].sort((a, b) => a - b);
      expect([...perRequest.keys()].sort((a, b) => a - b)).toEqual(inTable);
      const expected = await checksumOf(inTable.flatMap((i) => requests[i]!));
      expect(state).toEqual({
        rows: expected.count,
        events: expected.count,
        checksum: expected.checksum,
      });

      expect(stream).toMatchObject({ state: 'running', error: null });
      expect(stream.status).toMatchObject({ lag: 0 });
      console.info(
        `HTTP crash: ${kills} kills while producing, ${requests.length} requests (${acknowledged.length} acknowledged, ` +
          `${abandoned.length} given up, ${landed.length} of those landed), ${failures} pushes without an answer, ` +
          `${duplicates} retries recognised as duplicates, ${state.rows} rows`,
      );
    } finally {
      await served.stop().catch(() => undefined);
      remove();
    }
  }, 480_000);
});
