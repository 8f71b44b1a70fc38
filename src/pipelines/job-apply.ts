import type { AccessCheck, AccessGate } from '../catalog/index.js';
import { Conflict } from '../errors/index.js';
import type { Caller } from '../governance/index.js';
import type { Metastore, PipelineJobRecord } from '../metastore/index.js';
import type { JobChecksDeps } from './job-checks.js';
import { authorizeJob, relationIssues } from './job-checks.js';
import type { ApplyReport, StoredJob } from './job-views.js';
import { definitionOf, sameJob } from './job-views.js';
import type { JobFile } from './job-yaml.js';
import { invalidJobFiles, readJobFiles } from './job-yaml.js';

export interface ApplyDeps extends JobChecksDeps {
  metastore: Pick<Metastore, 'pipelines' | 'principals'>;
  gate: AccessGate;
  /** The job if the caller may manage it (else refused, as the use cases do). */
  managed(caller: Caller, check: AccessCheck, name: string): Promise<PipelineJobRecord>;
  /** Stores a new version when the definition changed; the record as it is otherwise. */
  save(
    caller: Caller,
    current: PipelineJobRecord,
    definition: StoredJob,
    source: string,
  ): Promise<PipelineJobRecord>;
  nextRun(schedule: string | null): Date | null;
}

/**
 * Applies a folder of job files all or nothing as far as checks go: every file is read
 * and every job checked (shape, SQL, `after`, cycles, rights) before the first change,
 * so a mistake anywhere changes nothing. Each change is then audited as its own
 * create, update or delete.
 */
export async function applyJobs(
  deps: ApplyDeps,
  caller: Caller,
  check: AccessCheck,
  files: JobFile[],
  options: { source: string; prune?: boolean },
): Promise<ApplyReport> {
  const { pipelines } = deps.metastore;
  const { jobs, issues } = readJobFiles(files);
  const existing = new Map((await pipelines.list()).map((j) => [j.name, j]));
  const applied = new Set(jobs.map((j) => j.spec.name));
  const pruned =
    options.prune === true
      ? [...existing.values()].filter((j) => j.source === options.source && !applied.has(j.name))
      : [];
  const graph = new Map<string, readonly string[]>();
  for (const job of existing.values()) {
    if (!pruned.includes(job)) graph.set(job.name, definitionOf(job).after);
  }
  for (const job of jobs) graph.set(job.spec.name, job.spec.after);
  for (const job of jobs) {
    issues.push(...(await relationIssues(deps, job.spec, graph)).map(job.locate));
  }
  if (issues.length > 0) throw invalidJobFiles(issues);
  refuseOrphans(pruned, graph);

  const plans: { current: PipelineJobRecord | undefined; definition: StoredJob; name: string }[] =
    [];
  for (const { spec } of jobs) {
    const current = existing.has(spec.name)
      ? await deps.managed(caller, check, spec.name)
      : undefined;
    const keepRunAs = current === undefined ? undefined : definitionOf(current).runAs;
    const definition = await authorizeJob(deps, caller, check, spec, keepRunAs);
    plans.push({ current, definition, name: spec.name });
  }
  for (const job of pruned) await deps.managed(caller, check, job.name);

  const report: ApplyReport = { created: [], updated: [], unchanged: [], deleted: [] };
  for (const { current, definition, name } of plans) {
    if (current === undefined) {
      await deps.gate.run(caller, 'job.create', `job:${name}`, () =>
        pipelines.create({
          name,
          owner: caller.principal.name,
          source: options.source,
          definition,
          nextRunAt: deps.nextRun(definition.schedule),
        }),
      );
      report.created.push(name);
      continue;
    }
    if (sameJob(definitionOf(current), definition) && current.source === options.source) {
      report.unchanged.push(name);
      continue;
    }
    await deps.gate.run(caller, 'job.update', `job:${name}`, () =>
      deps.save(caller, current, definition, options.source),
    );
    report.updated.push(name);
  }
  for (const job of pruned) {
    await deps.gate.run(caller, 'job.delete', `job:${job.name}`, () => pipelines.delete(job.name));
    report.deleted.push(job.name);
  }
  return report;
}

/** Pruning a job other jobs still run after would leave them waiting for nothing. */
function refuseOrphans(
  pruned: PipelineJobRecord[],
  graph: ReadonlyMap<string, readonly string[]>,
): void {
  for (const job of pruned) {
    const waiting = [...graph.entries()].filter(([, after]) => after.includes(job.name));
    if (waiting.length > 0) {
      throw new Conflict(
        'JOB_HAS_DOWNSTREAM',
        `Pruning "${job.name}" would leave ${waiting.map(([n]) => n).join(', ')} waiting for a job that no longer exists.`,
        { hint: `Remove "${job.name}" from their "after", or add its file back.` },
      );
    }
  }
}
