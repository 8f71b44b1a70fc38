import type {
  PipelineAttemptRecord,
  PipelineJobRecord,
  PipelineJobVersionRecord,
  PipelineRunRecord,
} from '../metastore/index.js';
import type { Caller } from '../governance/index.js';
import type { JobDefinition, RunOutcome, RunStatus } from './contract.js';

/** What executes one attempt of a job (JobRunner in job-runner.ts). */
export interface JobExecutor {
  run(
    caller: Caller,
    job: JobDefinition,
    runId: string,
    options?: { signal?: AbortSignal },
  ): Promise<RunOutcome>;
}

/** The definition as stored: everything but its name and version. */
export type StoredJob = Omit<JobDefinition, 'name' | 'version'>;

/** A job as callers see it. */
export interface JobView extends JobDefinition {
  owner: string;
  /** The folder it was applied from, null when made through the CLI or API. */
  source: string | null;
  nextRunAt: string | null;
  /** The run queued or under way, if any. */
  activeRunId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** `jobs show`: the job with its place in the DAG and its last run. */
export interface JobDetails extends JobView {
  upstream: string[];
  downstream: string[];
  lastRun: RunView | null;
}

export interface JobVersionView {
  version: number;
  changedBy: string;
  changedAt: string;
  definition: JobDefinition;
}

export type RunTrigger = 'manual' | 'schedule' | 'upstream';

export interface RunView extends Omit<RunOutcome, 'status'> {
  id: string;
  job: string;
  jobVersion: number;
  trigger: RunTrigger;
  runAs: string;
  status: RunStatus;
  /** Why it was queued or skipped. */
  reason: string | null;
  queuedAt: string;
  startedAt: string | null;
  endedAt: string | null;
  attempts: PipelineAttemptRecord[];
}

/** What `jobs apply` did to each job of the folder. */
export interface ApplyReport {
  created: string[];
  updated: string[];
  unchanged: string[];
  deleted: string[];
}

/** Same definition whatever the order of its keys (name and version aside). */
export function sameJob(a: StoredJob, b: StoredJob): boolean {
  return canonical(stored(a)) === canonical(stored(b));
}

/** The stored part of a definition: without its name and version. */
export function stored(definition: StoredJob & { name?: string; version?: number }): StoredJob {
  const { name: _name, version: _version, ...rest } = definition;
  return rest;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}

export function definitionOf(job: PipelineJobRecord): JobDefinition {
  return { ...(job.definition as StoredJob), name: job.name, version: job.version };
}

export function jobViewOf(job: PipelineJobRecord): JobView {
  return {
    ...definitionOf(job),
    owner: job.owner,
    source: job.source === '' ? null : job.source,
    nextRunAt: job.nextRunAt?.toISOString() ?? null,
    activeRunId: job.activeRunId,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
}

export function versionViewOf(name: string, v: PipelineJobVersionRecord): JobVersionView {
  return {
    version: v.version,
    changedBy: v.changedBy,
    changedAt: v.changedAt.toISOString(),
    definition: { ...(v.definition as StoredJob), name, version: v.version },
  };
}

const NO_OUTCOME: Omit<RunOutcome, 'status' | 'sql'> = {
  rowsRead: 0,
  rowsWritten: 0,
  rowsRejected: 0,
  sources: [],
  targetSnapshotId: null,
  quality: null,
  error: null,
};

export function runViewOf(run: PipelineRunRecord): RunView {
  const outcome = (run.outcome ?? {}) as Partial<RunOutcome>;
  return {
    id: run.id,
    job: run.jobName,
    jobVersion: run.jobVersion,
    trigger: run.trigger,
    runAs: run.runAs,
    status: run.status,
    reason: run.reason,
    queuedAt: run.queuedAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    endedAt: run.endedAt?.toISOString() ?? null,
    attempts: run.attempts,
    ...NO_OUTCOME,
    sql: '',
    ...withoutStatus(outcome),
  };
}

function withoutStatus(outcome: Partial<RunOutcome>): Partial<Omit<RunOutcome, 'status'>> {
  const { status: _status, ...rest } = outcome;
  return rest;
}
