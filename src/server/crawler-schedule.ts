import type { FastifyInstance } from 'fastify';
import type { Crawlers } from '../crawler/index.js';
import { runPeriodically } from './periodic-task.js';

/** How often the server looks for crawlers whose scheduled time has come. */
const CHECK_EVERY_MS = 30_000;

/**
 * Runs crawlers when their cron schedule (UTC) says so, as their owners. Each due time
 * is claimed in the metastore before the run, so two servers never both run it and a
 * schedule missed while the server was down runs once on start, not once per missed
 * time. One run per crawler at a time (a run still going when the next is due is
 * refused and recorded). A failure is logged and recorded as a failed run; the
 * scheduler keeps going.
 */
export function scheduleCrawlers(
  app: FastifyInstance,
  crawlers: Pick<Crawlers, 'due' | 'claim' | 'runScheduled'>,
  options: { checkEveryMs?: number; now?: () => Date } = {},
): void {
  const now = options.now ?? (() => new Date());
  const running = new Map<string, Promise<void>>();
  const runDue = async (): Promise<void> => {
    try {
      const at = now();
      for (const crawler of await crawlers.due(at)) {
        if (running.has(crawler.name) || !(await crawlers.claim(crawler, at))) continue;
        const run = crawlers
          .runScheduled(crawler.name)
          .then((ended) =>
            app.log.info(
              { crawler: crawler.name, run: ended.id, status: ended.status },
              'scheduled crawler run ended',
            ),
          )
          .catch((err: unknown) =>
            app.log.error({ err, crawler: crawler.name }, 'scheduled crawler run failed'),
          )
          .finally(() => running.delete(crawler.name));
        running.set(crawler.name, run);
      }
    } catch (err) {
      app.log.error({ err }, 'could not look for due crawlers; trying again later');
    }
  };
  runPeriodically(app, {
    everyMs: options.checkEveryMs ?? CHECK_EVERY_MS,
    tick: runDue,
    drain: () => Promise.all(running.values()),
  });
}
