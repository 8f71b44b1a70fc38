import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { formatTableName, isLayer, parseTableName, tableSecurable } from '../catalog/index.js';
import type { AccessCheck, TableIdent } from '../catalog/index.js';
import { Cancelled, InternalError, InvalidInput, LakewardError } from '../errors/index.js';
import { auditResource } from '../governance/index.js';
import type { Caller } from '../governance/index.js';
import type { LineageRun } from '../lineage/index.js';
import type { JobDefinition, RunOutcome } from './contract.js';
import { JobExecution } from './job-execution.js';
import { renameProblem } from './job-renames.js';
import { reportProblem } from './run-context.js';
import { RunSessions } from './run-sessions.js';
import type { JobRunnerDeps, RunProgress } from './run-context.js';

export type { JobRunnerDeps } from './run-context.js';

/**
 * Runs one medallion job: its SELECT as its principal through the governed query path,
 * the result staged as local Parquet, deduplicated, checked by the quality gate (rows
 * failing `error` rules stop the run or go to `<target>__quarantine`), then written to
 * the target in one snapshot per the mode, with the run's facts in its summary. A run
 * that fails leaves the target as it was and returns its error in the outcome.
 */
export class JobRunner {
  readonly #sessions: RunSessions;

  constructor(private readonly deps: JobRunnerDeps) {
    this.#sessions = new RunSessions({ ...deps.writes, tempDir: deps.tempDir });
  }

  /** Closes the trusted DuckDB instance runs share (it also closes by itself when idle). */
  close(): void {
    this.#sessions.close();
  }

  async run(
    caller: Caller,
    job: JobDefinition,
    runId: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<RunOutcome> {
    const progress: RunProgress = {
      rowsRead: 0,
      rowsWritten: 0,
      rowsRejected: 0,
      sources: [],
      targetSnapshotId: null,
      sql: job.sql,
      quality: null,
      schema: [],
    };
    let error: LakewardError | undefined;
    let started = false;
    try {
      const left = renameProblem(job);
      if (left !== undefined) throw left;
      const target = jobTarget(job);
      await this.#lineage(caller, job, runId, 'START', progress);
      started = true;
      await this.#audited(caller, job, target, runId, progress, options.signal);
    } catch (err) {
      // targetSnapshotId stays as set: null unless the commit itself went through.
      error = err instanceof LakewardError ? err : internal(err);
    }
    // A definition refused before it started (its target) has no run to tell lineage of.
    if (started) {
      const eventType = error === undefined ? 'COMPLETE' : 'FAIL';
      await this.#lineage(caller, job, runId, eventType, progress, error);
    }
    const { schema: _schema, ...outcome } = progress;
    return {
      status: error === undefined ? 'succeeded' : 'failed',
      ...outcome,
      error: error === undefined ? null : { code: error.code, message: error.message },
    };
  }

  /** The run is one audited use case on its target (its query and any create are events too). */
  #audited(
    caller: Caller,
    job: JobDefinition,
    target: TableIdent,
    runId: string,
    progress: RunProgress,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const name = formatTableName(target);
    return this.deps.query.governance.gate.run(
      caller,
      'job.run',
      auditResource(tableSecurable(target)),
      (check) => this.#execute(check, caller, job, target, runId, progress, signal),
      () => ({
        reason: `${job.name}@${job.version} run ${runId}: ${progress.rowsRead} rows read, ${progress.rowsWritten} written, ${progress.rowsRejected} rejected (${job.mode})`,
        queryText: progress.sql,
        snapshots: [...progress.sources, { table: name, snapshotId: progress.targetSnapshotId }],
      }),
    );
  }

  async #execute(
    check: AccessCheck,
    caller: Caller,
    job: JobDefinition,
    target: TableIdent,
    runId: string,
    progress: RunProgress,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { tempDir } = this.deps;
    await mkdir(tempDir, { recursive: true });
    const scratch = await mkdtemp(path.join(tempDir, `job-${job.name}-`));
    const session = await this.#sessions.open();
    const interrupt = () => session.interrupt();
    signal?.addEventListener('abort', interrupt);
    try {
      if (signal?.aborted === true)
        throw new Cancelled(`Run ${runId} of ${job.name} was cancelled.`);
      const execution = new JobExecution(this.deps, {
        caller,
        check,
        job,
        target,
        runId,
        session,
        scratch,
        progress,
        ...(signal === undefined ? {} : { signal }),
      });
      await execution.execute();
    } finally {
      signal?.removeEventListener('abort', interrupt);
      session.close();
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /** Lineage must never fail a run: a failure to record it is logged. */
  async #lineage(
    caller: Caller,
    job: JobDefinition,
    runId: string,
    eventType: LineageRun['eventType'],
    progress: RunProgress,
    error?: LakewardError,
  ): Promise<void> {
    const { quality } = progress;
    const run: LineageRun = {
      job: job.name,
      jobVersion: job.version,
      runId,
      eventType,
      at: new Date().toISOString(),
      sql: progress.sql,
      target: job.target,
      inputs: progress.sources,
      targetSnapshotId: progress.targetSnapshotId,
      schema: progress.schema,
      ...(quality === null
        ? {}
        : {
            quality: {
              score: quality.score,
              status: quality.status,
              rules: quality.rules.map((r) => ({ rule: r.rule, status: r.status })),
            },
          }),
      ...(error === undefined ? {} : { error: `${error.code}: ${error.message}` }),
    };
    await this.deps.lineage.recordRun(caller, run).catch((err: unknown) => {
      reportProblem(this.deps, 'recording the lineage of a job run failed', {
        job: job.name,
        runId,
        err,
      });
    });
  }
}

/** The job's target, which must be a table in silver or gold. */
function jobTarget(job: JobDefinition): TableIdent {
  const target = parseTableName(job.target);
  const layer = target.namespace[0];
  if (layer === undefined || !isLayer(layer) || layer === 'bronze') {
    throw new InvalidInput(
      'INVALID_JOB_TARGET',
      `Job ${job.name} writes ${job.target}, which is not in silver or gold.`,
      {
        hint: 'Jobs promote data: write to silver.<domain>.<table> or gold.<business_metric>.<table>.',
      },
    );
  }
  return target;
}

/** An engine error of the trusted session (a cast that failed, …): its text says what broke. */
function internal(err: unknown): LakewardError {
  const message = err instanceof Error ? err.message : String(err);
  return new InternalError(message, { cause: err });
}
