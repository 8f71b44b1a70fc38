import type { AccessCheck, AccessGate, CatalogChange } from '../catalog/index.js';
import { nextRunAfter } from '../crawler/index.js';
import { Conflict, NotFound, PermissionDenied } from '../errors/index.js';
import type { Caller } from '../governance/index.js';
import type { Metastore, PipelineJobRecord } from '../metastore/index.js';
import { applyJobs } from './job-apply.js';
import type { JobChecksDeps } from './job-checks.js';
import { authorizeJob, principalNamed, relationIssues } from './job-checks.js';
import { downstreamOf } from './job-graph.js';
import { followRename } from './job-renames.js';
import { JobRuns } from './job-runs.js';
import type { JobRunsDeps } from './job-runs.js';
import { checkJobShape, invalidJob } from './job-validation.js';
import type { JobFile } from './job-yaml.js';
import type {
  ApplyReport,
  JobDetails,
  JobExecutor,
  JobVersionView,
  JobView,
  RunView,
  StoredJob,
} from './job-views.js';
import { definitionOf, jobViewOf, runViewOf, sameJob, stored, versionViewOf } from './job-views.js';

export interface JobsDeps extends JobChecksDeps, Omit<JobRunsDeps, 'metastore' | 'runner'> {
  metastore: Pick<Metastore, 'pipelines' | 'principals'>;
  gate: AccessGate;
  runner: JobExecutor;
}

const DEFAULT_RUNS_SHOWN = 20;

/**
 * Medallion jobs as callers use them. The owner (the creator) and admins manage and run
 * a job; the principal it runs as may also look at it; to anyone else it does not
 * exist. Each use case is audited once; every change of a definition is a new version.
 */
export class Jobs {
  readonly #deps: JobsDeps;
  readonly runs: JobRuns;

  constructor(deps: JobsDeps) {
    this.#deps = deps;
    this.runs = new JobRuns(deps);
  }

  /** Creates a job from its definition (JSON or YAML keys); the caller owns it. */
  create(caller: Caller, input: unknown): Promise<JobView> {
    const name = nameOf(input);
    return this.#deps.gate.run(caller, 'job.create', resource(name), async (check) => {
      const definition = await this.#checked(caller, check, input, undefined);
      const created = await this.#deps.metastore.pipelines.create({
        name: definition.name,
        owner: caller.principal.name,
        source: '',
        definition: stored(definition),
        nextRunAt: nextRun(definition.schedule),
      });
      return jobViewOf(created);
    });
  }

  /** Changes the keys given (a key set to null clears it); a real change is a new version. */
  update(caller: Caller, name: string, patch: Record<string, unknown>): Promise<JobView> {
    return this.#deps.gate.run(caller, 'job.update', resource(name), async (check) => {
      const current = await this.managed(caller, check, name);
      // An update is how a job a rename left behind is fixed: the mark goes with it.
      const { version: _v, renameProblem: _r, ...base } = definitionOf(current);
      const merged = { ...base, ...patch, name };
      const definition = await this.#checked(caller, check, merged, current);
      return jobViewOf(await this.save(caller, current, stored(definition), current.source));
    });
  }

  /** Deletes the job, its history and its runs; refused while other jobs run after it. */
  delete(caller: Caller, name: string): Promise<void> {
    return this.#deps.gate.run(caller, 'job.delete', resource(name), async (check) => {
      const job = await this.managed(caller, check, name);
      const downstream = downstreamOf(await this.runs.graph(), name);
      if (downstream.length > 0) {
        throw new Conflict(
          'JOB_HAS_DOWNSTREAM',
          `Jobs run after "${name}": ${downstream.join(', ')}.`,
          { hint: `Remove "${name}" from their "after" first, or delete them too.` },
        );
      }
      if (job.activeRunId !== null) {
        throw new Conflict(
          'JOB_ALREADY_RUNNING',
          `A run of the job "${name}" is queued or running; it cannot be deleted now.`,
          { hint: `Wait for the run to end (lakeward jobs runs ${name}), then delete the job.` },
        );
      }
      await this.#deps.metastore.pipelines.delete(name);
    });
  }

  list(caller: Caller): Promise<JobView[]> {
    return this.#deps.gate.run(caller, 'job.list', undefined, async () => {
      const all = await this.#deps.metastore.pipelines.list();
      return all.filter((j) => maysee(caller, j)).map(jobViewOf);
    });
  }

  /** The job with its schedule, next and last run, and the jobs before and after it. */
  show(caller: Caller, name: string): Promise<JobDetails> {
    return this.#deps.gate.run(caller, 'job.describe', resource(name), async (check) => {
      const job = await this.#visible(caller, check, name);
      const graph = await this.runs.graph();
      const last = await this.#deps.metastore.pipelines.latestRun(name, [
        'queued',
        'running',
        'succeeded',
        'failed',
        'skipped',
      ]);
      return {
        ...jobViewOf(job),
        upstream: graph.get(name) ?? [],
        downstream: downstreamOf(graph, name),
        lastRun: last === undefined ? null : runViewOf(last),
      };
    });
  }

  /** Every version of the definition, newest first. */
  history(caller: Caller, name: string): Promise<JobVersionView[]> {
    return this.#deps.gate.run(caller, 'job.history', resource(name), async (check) => {
      await this.#visible(caller, check, name);
      const versions = await this.#deps.metastore.pipelines.versions(name);
      return versions.map((v) => versionViewOf(name, v));
    });
  }

  /**
   * Pipelines as code: creates or updates every job of the files, reports what changed;
   * with prune, deletes the jobs applied from `source` before that are no longer there.
   */
  apply(
    caller: Caller,
    files: JobFile[],
    options: { source: string; prune?: boolean },
  ): Promise<ApplyReport> {
    return this.#deps.gate.run(caller, 'job.apply', `job-source:${options.source}`, (check) =>
      applyJobs(
        {
          ...this.#deps,
          managed: (c, ch, n) => this.managed(c, ch, n),
          save: (c, current, definition, source) => this.save(c, current, definition, source),
          nextRun,
        },
        caller,
        check,
        files,
        options,
      ),
    );
  }

  /**
   * Runs the job now as the principal it runs as. Refused while a run of it is queued or
   * running. With wait, answers when the run has ended; else when it is queued.
   */
  run(caller: Caller, name: string, options: { wait?: boolean } = {}): Promise<RunView> {
    return this.#deps.gate.run(caller, 'job.run', resource(name), async (check) => {
      const job = await this.managed(caller, check, name);
      const queued = await this.runs.queue(name, {
        trigger: 'manual',
        runAs: definitionOf(job).runAs,
        reason: `run by ${caller.principal.name}`,
      });
      if (queued === undefined) throw alreadyRunning(name);
      if (options.wait !== true) {
        this.runs.track(this.runs.execute(queued.id), `run of ${name}`);
        return runViewOf(queued);
      }
      return runViewOf((await this.runs.execute(queued.id)) ?? queued);
    });
  }

  /** The job's runs, newest first. */
  runHistory(caller: Caller, name: string, limit = DEFAULT_RUNS_SHOWN): Promise<RunView[]> {
    return this.#deps.gate.run(caller, 'job.runs', resource(name), async (check) => {
      await this.#visible(caller, check, name);
      return (await this.#deps.metastore.pipelines.listRuns(name, limit)).map(runViewOf);
    });
  }

  getRun(caller: Caller, runId: string): Promise<RunView> {
    return this.#deps.gate.run(caller, 'job.run.describe', `job-run:${runId}`, async (check) => {
      const run = await this.#deps.metastore.pipelines.getRun(runId);
      const job =
        run === undefined ? undefined : await this.#deps.metastore.pipelines.get(run.jobName);
      if (run === undefined || job === undefined || !maysee(caller, job)) {
        throw check.refuse(
          new NotFound('JOB_RUN_NOT_FOUND', `No job run has the id "${runId}".`, {
            hint: 'List the runs of a job with `lakeward jobs runs NAME`.',
          }),
        );
      }
      return runViewOf(run);
    });
  }

  /** Validates a whole definition and authorizes it for the caller (see authorizeJob). */
  async #checked(
    caller: Caller,
    check: AccessCheck,
    input: unknown,
    current: PipelineJobRecord | undefined,
  ): Promise<StoredJob & { name: string }> {
    const { spec, issues } = checkJobShape(input);
    if (issues.length === 0) {
      issues.push(...(await relationIssues(this.#deps, spec, await this.runs.graph())));
    }
    if (issues.length > 0) throw invalidJob(spec.name || nameOf(input), issues);
    const keepRunAs = current === undefined ? undefined : definitionOf(current).runAs;
    return { ...(await authorizeJob(this.#deps, caller, check, spec, keepRunAs)), name: spec.name };
  }

  /** Stores a changed definition as a new version; an unchanged one is left as it is. */
  async save(
    caller: Caller,
    current: PipelineJobRecord,
    definition: StoredJob,
    source: string,
  ): Promise<PipelineJobRecord> {
    const before = stored(definitionOf(current));
    if (sameJob(before, definition) && source === current.source) return current;
    return this.#deps.metastore.pipelines.update(current.name, {
      definition,
      source,
      nextRunAt:
        definition.schedule === before.schedule ? current.nextRunAt : nextRun(definition.schedule),
      changedBy: caller.principal.name,
    });
  }

  /**
   * Follows a table or namespace rename (a catalog change with `renamedFrom`) into the
   * jobs' targets and SQL; answers the jobs it changed.
   */
  followRename(change: CatalogChange): Promise<string[]> {
    return followRename(this.#deps.metastore, change);
  }

  /** Jobs whose scheduled time has come, for the scheduler. */
  due(now: Date): Promise<PipelineJobRecord[]> {
    return this.#deps.metastore.pipelines.due(now);
  }

  /**
   * Takes a due job's run for this process and moves its next run past `now`, so a
   * schedule missed while the server was down runs once, not once per missed time.
   */
  claim(job: PipelineJobRecord, now: Date): Promise<boolean> {
    if (job.nextRunAt === null) return Promise.resolve(false);
    const { schedule } = definitionOf(job);
    const next = schedule === null ? null : nextRunAfter(schedule, now);
    return this.#deps.metastore.pipelines.claimSchedule(job.name, job.nextRunAt, next);
  }

  /**
   * A scheduled run, from inside the server, audited as the job's owner; recorded as
   * skipped when the previous run is still going.
   */
  async runScheduled(job: PipelineJobRecord): Promise<RunView | undefined> {
    const caller: Caller = {
      principal: await principalNamed(this.#deps, job.owner),
      context: { channel: 'internal', requestId: `job-schedule-${job.name}` },
    };
    return this.#deps.gate.run(caller, 'job.run', resource(job.name), async () => {
      const { runAs, schedule } = definitionOf(job);
      const queued = await this.runs.queue(job.name, {
        trigger: 'schedule',
        runAs,
        reason: `scheduled (${schedule ?? 'no schedule'})`,
      });
      if (queued === undefined) {
        // The due time is used up either way; the history says why nothing ran.
        const skipped = await this.#deps.metastore.pipelines.recordSkipped(job.name, {
          trigger: 'schedule',
          runAs,
          reason: 'its scheduled time came while a run of it was still queued or running',
        });
        return runViewOf(skipped);
      }
      const ended = await this.runs.execute(queued.id);
      return ended === undefined ? undefined : runViewOf(ended);
    });
  }

  /**
   * Starts runs queued before `before` that no process started (queued by a CLI that
   * exited, or after an upstream run in a server that stopped); each starts once.
   */
  async startQueued(before: Date): Promise<number> {
    const queued = await this.#deps.metastore.pipelines.queuedRuns(before);
    for (const run of queued) this.runs.track(this.runs.execute(run.id), `run of ${run.jobName}`);
    return queued.length;
  }

  async #visible(caller: Caller, check: AccessCheck, name: string): Promise<PipelineJobRecord> {
    const job = await this.#deps.metastore.pipelines.get(name);
    if (job === undefined) throw jobNotFound(name);
    if (!maysee(caller, job)) throw check.refuse(jobNotFound(name));
    return job;
  }

  /** The job if the caller may manage it; a job they may only see is refused, others are missing. */
  async managed(caller: Caller, check: AccessCheck, name: string): Promise<PipelineJobRecord> {
    const job = await this.#visible(caller, check, name);
    if (!mayManage(caller, job)) {
      throw check.refuse(
        new PermissionDenied(
          'JOB_NOT_OWNER',
          `Only the owner of the job "${name}" (${job.owner}) or an admin may change or run it.`,
          { hint: `Ask ${job.owner} or an admin.` },
        ),
      );
    }
    return job;
  }
}

export function mayManage(caller: Caller, job: PipelineJobRecord): boolean {
  return caller.principal.isAdmin || caller.principal.name === job.owner;
}

function maysee(caller: Caller, job: PipelineJobRecord): boolean {
  return mayManage(caller, job) || definitionOf(job).runAs === caller.principal.name;
}

function nameOf(input: unknown): string {
  const name = (input as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : '';
}

function resource(name: string): string {
  return `job:${name}`;
}

function nextRun(schedule: string | null): Date | null {
  return schedule === null ? null : nextRunAfter(schedule, new Date());
}

export function jobNotFound(name: string): NotFound {
  return new NotFound('JOB_NOT_FOUND', `No job is named "${name}".`, {
    hint: 'List jobs with `lakeward jobs list` to see which exist.',
  });
}

function alreadyRunning(name: string): Conflict {
  return new Conflict(
    'JOB_ALREADY_RUNNING',
    `A run of the job "${name}" is already queued or running.`,
    {
      hint: `Wait for it to end (lakeward jobs runs ${name}), then run the job again.`,
    },
  );
}
