import type { FastifyInstance } from 'fastify';

/**
 * Runs `tick` once the server is ready and every `everyMs` after, without keeping the
 * process alive; on close it stops ticking and waits for `drain` (work under way must
 * finish before the services it uses are closed). `tick` must not throw: a failure is
 * the task's to log, and the next tick tries again.
 */
export function runPeriodically(
  app: FastifyInstance,
  task: { everyMs: number; tick: () => Promise<void>; drain?: () => Promise<unknown> },
): void {
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    void task.tick();
    timer = setInterval(() => void task.tick(), task.everyMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await task.drain?.();
  });
}

/**
 * Runs `pass` every `everyMs`, one at a time: a pass still going when the next tick comes
 * is left to finish, and closing waits for it. `pass` must not throw (see runPeriodically).
 */
export function runPassesPeriodically(
  app: FastifyInstance,
  everyMs: number,
  pass: () => Promise<void>,
): void {
  let running: Promise<void> | undefined;
  const tick = async (): Promise<void> => {
    if (running !== undefined) return;
    running = pass().finally(() => {
      running = undefined;
    });
    await running;
  };
  runPeriodically(app, { everyMs, tick, drain: async () => running });
}
