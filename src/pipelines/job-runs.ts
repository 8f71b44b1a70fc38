import { LakewardError } from '../errors/index.js';
import type { Caller } from '../governance/index.js';
import { principalNamed } from './job-checks.js';
import type {
  Metastore,
  PipelineAttemptRecord,
  PipelineRunRecord,
  PipelineRunTrigger,
} from '../metastore/index.js';
import type { RunOutcome } from './contract.js';
import { downstreamOf } from './job-graph.js';
import type { JobGraph } from './job-graph.js';
import type { JobExecutor, StoredJob } from './job-views.js';
import { definitionOf } from './job-views.js';

export interface JobRunsDeps {
  metastore: Pick<Metastore, 'pipelines' | 'principals'>;
  runner: JobExecutor;
  /** A queued or running run older than this is taken as abandoned by a process that stopped. */
  staleRunMs?: number;
  /** Waits between attempts (tests pass a recording one). */
  sleep?: (ms: number) => Promise<void>;
  /** Where failures of background work go (a run's own failure is recorded on the run). */
  report?: (err: unknown, what: string) => void;
}

const SIX_HOURS_MS = 6 * 60 * 60 * 1000;

/**
 * The life of a run: queued (one per job at a time, claimed in the metastore), started
 * by whichever process takes it first, attempted up to 1 + retries.max times with
 * exponential back-off, ended; then the jobs after it are queued (when every job they
 * wait for has succeeded since their own last run) or skipped (when this one failed).
 */
export class JobRuns {
  readonly #deps: JobRunsDeps;
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(deps: JobRunsDeps) {
    this.#deps = deps;
  }

  /** Queues a run of the job; undefined when one is already queued or running. */
  queue(
    job: string,
    run: { trigger: PipelineRunTrigger; runAs: string; reason: string | null },
  ): Promise<PipelineRunRecord | undefined> {
    const staleBefore = new Date(Date.now() - (this.#deps.staleRunMs ?? SIX_HOURS_MS));
    return this.#deps.metastore.pipelines.queueRun(job, { ...run, staleBefore });
  }

  /** Runs a queued run to its end; undefined when another process started it first. */
  async execute(runId: string): Promise<PipelineRunRecord | undefined> {
    const { pipelines } = this.#deps.metastore;
    const run = await pipelines.startRun(runId);
    if (run === undefined) return undefined;
    const ended = await this.#attempts(run).catch((err: unknown) =>
      // Whatever went wrong around the attempts, the run must end and free its job.
      pipelines.finishRun(run.id, {
        status: 'failed',
        attempts: run.attempts,
        outcome: failedOutcome(err, ''),
      }),
    );
    this.track(this.#afterRun(ended), `jobs after ${ended.jobName}`);
    return ended;
  }

  /** Work that goes on after the caller got its answer; idle() waits for it. */
  track(work: Promise<unknown>, what: string): void {
    const tracked = work
      .catch((err: unknown) => this.#deps.report?.(err, what))
      .finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }

  /** Resolves when no run or downstream triggering started here is still going. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  async #attempts(run: PipelineRunRecord): Promise<PipelineRunRecord> {
    const { pipelines } = this.#deps.metastore;
    const record = await pipelines.get(run.jobName);
    if (record === undefined) throw new Error(`the job ${run.jobName} was deleted`);
    const job = definitionOf(record);
    const caller = await this.#runAs(run.runAs, run.id);
    const attempts: PipelineAttemptRecord[] = [];
    const sleep = this.#deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    let outcome: RunOutcome = failedOutcome(new Error('the job was not attempted'), job.sql);
    for (let n = 1; n <= job.retries.max + 1; n++) {
      if (n > 1) await sleep(job.retries.backoffMs * 2 ** (n - 2));
      const attempt: PipelineAttemptRecord = {
        attempt: n,
        startedAt: new Date().toISOString(),
        endedAt: null,
        status: 'running',
        error: null,
      };
      attempts.push(attempt);
      await pipelines.saveAttempts(run.id, attempts);
      outcome = await this.#deps.runner
        .run(caller, job, run.id)
        .catch((err: unknown) => failedOutcome(err, job.sql));
      attempt.endedAt = new Date().toISOString();
      attempt.status = outcome.status;
      attempt.error = outcome.error;
      if (outcome.status === 'succeeded') break;
    }
    return pipelines.finishRun(run.id, { status: outcome.status, attempts, outcome });
  }

  async #runAs(name: string, runId: string): Promise<Caller> {
    const principal = await principalNamed(this.#deps, name);
    return { principal, context: { channel: 'internal', requestId: `job-run-${runId}` } };
  }

  /** Queues or skips the jobs after this one, and runs what it queued. */
  async #afterRun(run: PipelineRunRecord): Promise<void> {
    const graph = await this.graph();
    if (run.status !== 'succeeded') {
      await this.#skipDownstream(
        graph,
        run.jobName,
        `upstream job ${run.jobName} ${run.status} (run ${run.id})`,
        new Set(),
      );
      return;
    }
    for (const next of downstreamOf(graph, run.jobName)) {
      if (!(await this.#upstreamsDone(graph, next))) continue;
      const job = await this.#deps.metastore.pipelines.get(next);
      if (job === undefined) continue;
      const queued = await this.queue(next, {
        trigger: 'upstream',
        runAs: (job.definition as StoredJob).runAs,
        reason: `after ${run.jobName} succeeded (run ${run.id})`,
      });
      // A run of it already queued or under way will see this upstream's new data.
      if (queued !== undefined) this.track(this.execute(queued.id), `run of ${next}`);
    }
  }

  /** Every job it runs after has succeeded since its own last run. */
  async #upstreamsDone(graph: JobGraph, name: string): Promise<boolean> {
    const { pipelines } = this.#deps.metastore;
    const own = await pipelines.latestRun(name, ['queued', 'running', 'succeeded', 'failed']);
    for (const upstream of graph.get(name) ?? []) {
      const done = await pipelines.latestRun(upstream, ['succeeded']);
      if (done === undefined) return false;
      if (own !== undefined && (done.endedAt ?? done.queuedAt) <= own.queuedAt) return false;
    }
    return true;
  }

  async #skipDownstream(
    graph: JobGraph,
    name: string,
    reason: string,
    seen: Set<string>,
  ): Promise<void> {
    for (const next of downstreamOf(graph, name)) {
      if (seen.has(next)) continue;
      seen.add(next);
      const job = await this.#deps.metastore.pipelines.get(next);
      if (job === undefined) continue;
      const skipped = await this.#deps.metastore.pipelines.recordSkipped(next, {
        trigger: 'upstream',
        runAs: (job.definition as StoredJob).runAs,
        reason,
      });
      await this.#skipDownstream(
        graph,
        next,
        `upstream job ${next} was skipped (run ${skipped.id})`,
        seen,
      );
    }
  }

  /** Every job with the jobs it runs after. */
  async graph(): Promise<Map<string, string[]>> {
    const jobs = await this.#deps.metastore.pipelines.list();
    return new Map(jobs.map((j) => [j.name, (j.definition as StoredJob).after]));
  }
}

/** The outcome recorded for an attempt that threw instead of returning one. */
export function failedOutcome(err: unknown, sql: string): RunOutcome {
  // The run's history is read by its owner: a plain error's text says more than "internal error".
  const error =
    err instanceof LakewardError
      ? { code: err.code, message: err.message }
      : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
  return {
    status: 'failed',
    rowsRead: 0,
    rowsWritten: 0,
    rowsRejected: 0,
    sources: [],
    targetSnapshotId: null,
    sql,
    quality: null,
    error,
  };
}
