import type { FastifyInstance } from 'fastify';
import type { Jobs } from '../pipelines/index.js';
import { runPeriodically } from './periodic-task.js';

/** How often the server looks for jobs whose scheduled time has come. */
const CHECK_EVERY_MS = 30_000;
/** A run queued this long ago that nobody started was left by a process that went away. */
const QUEUED_UNSTARTED_MS = 60_000;

/**
 * Runs jobs when their cron schedule (UTC) says so; the jobs after them follow as each
 * succeeds. Each due time is claimed in the metastore first, so two servers never both
 * run it and a schedule missed while the server was down runs once on start, not once
 * per missed time; a run is one per job at a time (queueing is claimed too). Runs left
 * queued by a process that stopped are started here. Failures are logged; the
 * scheduler keeps going.
 */
export function scheduleJobs(
  app: FastifyInstance,
  jobs: Pick<Jobs, 'due' | 'claim' | 'runScheduled' | 'startQueued' | 'runs'>,
  options: { checkEveryMs?: number; now?: () => Date } = {},
): void {
  const now = options.now ?? (() => new Date());
  const runDue = async (): Promise<void> => {
    try {
      const at = now();
      for (const job of await jobs.due(at)) {
        if (!(await jobs.claim(job, at))) continue;
        jobs.runs.track(
          jobs
            .runScheduled(job)
            .then((ended) =>
              app.log.info(
                { job: job.name, run: ended?.id, status: ended?.status },
                'scheduled job run ended',
              ),
            )
            .catch((err: unknown) =>
              app.log.error({ err, job: job.name }, 'scheduled job run failed'),
            ),
          `scheduled run of ${job.name}`,
        );
      }
      await jobs.startQueued(new Date(at.getTime() - QUEUED_UNSTARTED_MS));
    } catch (err) {
      app.log.error({ err }, 'could not look for due jobs; trying again later');
    }
  };
  runPeriodically(app, {
    everyMs: options.checkEveryMs ?? CHECK_EVERY_MS,
    tick: runDue,
    drain: () => jobs.runs.idle(),
  });
}
