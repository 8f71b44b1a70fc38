import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { InvalidInput } from '../../errors/index.js';
import type { JobDetails, JobView, RunView } from '../../pipelines/index.js';
import { printFields, printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';

interface DefinitionOptions {
  target?: string;
  mode?: string;
  sql?: string;
  key?: string[];
  dedupe?: boolean;
  dedupeOrderBy?: string;
  schedule?: string | false;
  after?: string[];
  runAs?: string;
  ruleset?: string;
  onFailure?: string;
  retries?: number;
  backoffMs?: number;
  description?: string;
  json?: boolean;
}

const repeat = (value: string, previous: string[] = []) => [...previous, value];
const integer = (v: string) => Number(v);

/** The options that define a job, shared by create and update. */
function definitionOptions(command: Command): Command {
  return command
    .option('--target <table>', 'table it writes, in silver or gold, e.g. silver.shop.orders')
    .option('--mode <mode>', 'append, overwrite, merge (upsert on --key) or incremental')
    .option('--sql <select>', 'one SELECT over catalog tables (DuckDB dialect)')
    .option('--key <column>', 'key column for merge and dedupe (repeat for more)', repeat)
    .option('--dedupe', 'keep one row per key')
    .option('--dedupe-order-by <expr>', 'which row of a key to keep: the last by this order')
    .option('--schedule <cron>', "cron expression in UTC, e.g. '0 3 * * *' (daily at 03:00)")
    .option('--after <job>', 'a job that must succeed first (repeat for more)', repeat)
    .option('--run-as <principal>', 'principal it runs as (another than you: admins only)')
    .option(
      '--ruleset <dqdl>',
      'quality rules checked before writing, e.g. \'Rules = [ IsComplete "id" ]\'',
    )
    .option('--on-failure <what>', 'when an error rule fails: stop (default) or quarantine')
    .option('--retries <n>', 'attempts after a failed one', integer)
    .option('--backoff-ms <ms>', 'wait before the first retry (doubles each time)', integer)
    .option('--description <text>');
}

/** Only the keys given, so update changes just those. */
function definitionOf(o: DefinitionOptions, current?: JobView): Record<string, unknown> {
  const quality =
    o.ruleset === undefined && o.onFailure === undefined
      ? {}
      : {
          quality: {
            ruleset: o.ruleset ?? current?.quality?.ruleset,
            onFailure: o.onFailure ?? current?.quality?.onFailure ?? 'stop',
          },
        };
  const retries =
    o.retries === undefined && o.backoffMs === undefined
      ? {}
      : {
          retries: {
            max: o.retries ?? current?.retries.max ?? 0,
            backoffMs: o.backoffMs ?? current?.retries.backoffMs ?? 1000,
          },
        };
  return {
    ...(o.target === undefined ? {} : { target: o.target }),
    ...(o.mode === undefined ? {} : { mode: o.mode }),
    ...(o.sql === undefined ? {} : { sql: o.sql }),
    ...(o.key === undefined ? {} : { keys: o.key }),
    ...(o.dedupe === undefined ? {} : { dedupe: o.dedupe }),
    ...(o.dedupeOrderBy === undefined ? {} : { dedupeOrderBy: o.dedupeOrderBy }),
    ...(o.schedule === undefined ? {} : { schedule: o.schedule === false ? null : o.schedule }),
    ...(o.after === undefined ? {} : { after: o.after }),
    ...(o.runAs === undefined ? {} : { runAs: o.runAs }),
    ...(o.description === undefined ? {} : { description: o.description }),
    ...quality,
    ...retries,
  };
}

export function registerJobs(program: Command, out: Output): void {
  const jobs = program
    .command('jobs')
    .alias('job')
    .description(
      'medallion jobs: one SELECT into a silver or gold table, run now, on a schedule or after other jobs',
    );
  withExamples(
    jobs,
    'jobs apply examples/pipelines/',
    'jobs run silver_orders --wait',
    'jobs runs silver_orders',
  );
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

  withExamples(
    definitionOptions(
      jobs.command('create').description('create a job; you own it and it runs as you'),
    )
      .argument('<name>')
      .option('--json', 'print JSON')
      .action(async (name: string, o: DefinitionOptions, command: Command) => {
        const created = await withSession(globals(command), (s) =>
          s.services.jobs.create(s.caller, { name, ...definitionOf(o) }),
        );
        if (o.json) return printJson(out, created);
        out.stdout.write(
          `Created job ${created.name} (version ${created.version})${nextText(created)}\n`,
        );
      }),
    `jobs create silver_orders --target silver.shop.orders --mode merge --key order_id --sql 'SELECT * FROM bronze.shop.orders' --schedule '0 3 * * *'`,
  );

  withExamples(
    definitionOptions(
      jobs.command('update').description('change a job (a real change is a new version)'),
    )
      .argument('<name>')
      .option('--no-schedule', 'remove the schedule (run on demand or after other jobs only)')
      .option('--json', 'print JSON')
      .action(async (name: string, o: DefinitionOptions, command: Command) => {
        const updated = await withSession(globals(command), async (s) => {
          const current = await s.services.jobs.show(s.caller, name);
          return s.services.jobs.update(s.caller, name, definitionOf(o, current));
        });
        if (o.json) return printJson(out, updated);
        out.stdout.write(
          `Job ${updated.name} is at version ${updated.version}${nextText(updated)}\n`,
        );
      }),
    'jobs update silver_orders --retries 3 --backoff-ms 60000',
    'jobs update gold_revenue --no-schedule',
  );

  withExamples(
    jobs
      .command('apply')
      .description('create or update every job of a folder of YAML files (pipelines as code)')
      .argument('<folder>')
      .option('--prune', 'delete the jobs applied from this folder that are no longer in it')
      .option('--json', 'print JSON')
      .action(async (folder: string, o: { prune?: boolean; json?: boolean }, command: Command) => {
        const files = await readFolder(folder);
        const source = path.resolve(folder);
        const report = await withSession(globals(command), (s) =>
          s.services.jobs.apply(s.caller, files, { source, prune: o.prune === true }),
        );
        if (o.json) return printJson(out, report);
        printRows(
          out,
          ['JOB', 'CHANGE'],
          [
            ...report.created.map((n) => [n, 'created']),
            ...report.updated.map((n) => [n, 'updated']),
            ...report.unchanged.map((n) => [n, 'unchanged']),
            ...report.deleted.map((n) => [n, 'deleted']),
          ],
        );
      }),
    'jobs apply examples/pipelines/',
    'jobs apply pipelines/ --prune',
  );

  withExamples(
    jobs
      .command('list')
      .description('the jobs you own or that run as you (every job for an admin)')
      .option('--json', 'print JSON')
      .action(async (o: { json?: boolean }, command: Command) => {
        const list = await withSession(globals(command), (s) => s.services.jobs.list(s.caller));
        if (o.json) return printJson(out, list);
        printRows(
          out,
          ['NAME', 'TARGET', 'MODE', 'VERSION', 'SCHEDULE', 'AFTER', 'NEXT RUN', 'OWNER'],
          list.map((j) => [
            j.name,
            j.target,
            j.mode,
            j.version,
            j.schedule,
            j.after.join(' '),
            j.nextRunAt,
            j.owner,
          ]),
        );
      }),
    'jobs list',
  );

  withExamples(
    jobs
      .command('show')
      .description(
        'a job: definition, version, schedule, next and last run, upstream and downstream',
      )
      .argument('<name>')
      .option('--history', 'also list every version of the definition')
      .option('--json', 'print JSON')
      .action(async (name: string, o: { json?: boolean; history?: boolean }, command: Command) => {
        const [job, history] = await withSession(
          globals(command),
          async (s) =>
            [
              await s.services.jobs.show(s.caller, name),
              o.history === true ? await s.services.jobs.history(s.caller, name) : undefined,
            ] as const,
        );
        if (o.json) return printJson(out, history === undefined ? job : { ...job, history });
        printJob(out, job);
        if (history !== undefined) {
          out.stdout.write('\nVersions:\n');
          printRows(
            out,
            ['VERSION', 'CHANGED BY', 'CHANGED AT'],
            history.map((v) => [v.version, v.changedBy, v.changedAt]),
          );
        }
      }),
    'jobs show silver_orders --history',
  );

  withExamples(
    jobs
      .command('run')
      .description('run a job now, as the principal it runs as; the jobs after it follow')
      .argument('<name>')
      .option('--wait', 'print only the ended run (without it, also says when it is queued)')
      .option('--json', 'print JSON (the ended run)')
      .action(async (name: string, o: { json?: boolean; wait?: boolean }, command: Command) => {
        const run = await withSession(globals(command), async (s) => {
          const queued = await s.services.jobs.run(s.caller, name);
          if (o.wait !== true && o.json !== true) {
            // The CLI works on the home itself: no server takes the run from it, so it
            // is run here rather than left queued for a server that may not be running.
            out.stdout.write(
              `Queued run ${queued.id} of ${name}. The CLI has no server to hand it to, so it runs here ` +
                `until it ends (and the jobs after it); to return at once, run it through a server: ` +
                `POST /api/v1/jobs/${name}/run answers 202 when queued. ` +
                `Follow it with: lakeward jobs runs ${name}\n`,
            );
          }
          await s.services.jobs.runs.idle();
          return s.services.jobs.getRun(s.caller, queued.id);
        });
        if (o.json) return printJson(out, run);
        printRun(out, run);
      }),
    'jobs run silver_orders --wait',
  );

  withExamples(
    jobs
      .command('runs')
      .description("a job's runs, newest first")
      .argument('<name>')
      .option('--limit <n>', 'how many runs', (v) => Number.parseInt(v, 10), 20)
      .option('--json', 'print JSON')
      .action(async (name: string, o: { json?: boolean; limit: number }, command: Command) => {
        const runs = await withSession(globals(command), (s) =>
          s.services.jobs.runHistory(s.caller, name, o.limit),
        );
        if (o.json) return printJson(out, runs);
        printRows(
          out,
          [
            'RUN',
            'VERSION',
            'TRIGGER',
            'STATUS',
            'STARTED',
            'ENDED',
            'ATTEMPTS',
            'READ',
            'WRITTEN',
            'REJECTED',
            'WHY',
          ],
          runs.map((r) => [
            r.id,
            r.jobVersion,
            r.trigger,
            r.status,
            r.startedAt,
            r.endedAt,
            r.attempts.length,
            r.rowsRead,
            r.rowsWritten,
            r.rowsRejected,
            r.error === null ? r.reason : `${r.error.code}: ${r.error.message}`,
          ]),
        );
      }),
    'jobs runs silver_orders --limit 5',
  );

  withExamples(
    jobs
      .command('delete')
      .description('delete a job with its versions and runs (the target table stays)')
      .argument('<name>')
      .action(async (name: string, _o: unknown, command: Command) => {
        await withSession(globals(command), (s) => s.services.jobs.delete(s.caller, name));
        out.stdout.write(`Deleted job ${name}\n`);
      }),
    'jobs delete gold_revenue',
  );
}

/** The .yaml and .yml files of the folder (not its subfolders), by name. */
async function readFolder(folder: string): Promise<{ path: string; text: string }[]> {
  const names = await readdir(folder).catch((err: NodeJS.ErrnoException) => {
    throw new InvalidInput(
      'JOB_FOLDER_UNREADABLE',
      `Cannot read the folder ${folder}: ${err.code ?? err.message}.`,
      {
        hint: 'Give a folder that holds job definitions as .yaml files.',
      },
    );
  });
  const yamlFiles = names.filter((n) => /\.ya?ml$/i.test(n)).sort();
  return Promise.all(
    yamlFiles.map(async (n) => ({
      path: path.join(folder, n),
      text: await readFile(path.join(folder, n), 'utf8'),
    })),
  );
}

function nextText(job: JobView): string {
  return job.nextRunAt === null ? '' : `; next run ${job.nextRunAt}`;
}

function printJob(out: Output, j: JobDetails): void {
  printFields(out, [
    ['Name', j.name],
    ['Description', j.description],
    ['Version', j.version],
    ['Owner', j.owner],
    ['Runs as', j.runAs],
    ['Target', j.target],
    ['Mode', j.mode],
    ['Keys', j.keys.join(', ')],
    ['Dedupe', j.dedupe],
    ['Schedule (UTC)', j.schedule ?? 'on demand or after upstream jobs'],
    ['Next run', j.nextRunAt],
    ['Upstream (after)', j.upstream.join(', ')],
    ['Downstream', j.downstream.join(', ')],
    ['Quality', j.quality === null ? null : `on failure: ${j.quality.onFailure}`],
    ['Retries', `${j.retries.max} (back-off ${j.retries.backoffMs} ms, doubling)`],
    ['Applied from', j.source],
    [
      'Last run',
      j.lastRun === null
        ? null
        : `${j.lastRun.status} ${j.lastRun.endedAt ?? j.lastRun.queuedAt} (${j.lastRun.id})`,
    ],
  ]);
  out.stdout.write(`\n${j.sql.trim()}\n`);
}

function printRun(out: Output, r: RunView): void {
  printFields(out, [
    ['Run', r.id],
    ['Status', r.status],
    ['Attempts', r.attempts.length],
    ['Rows read', r.rowsRead],
    ['Rows written', r.rowsWritten],
    ['Rows rejected', r.rowsRejected],
    ['Target snapshot', r.targetSnapshotId],
    ['Quality', r.quality === null ? null : `${r.quality.status} (score ${r.quality.score})`],
    ['Error', r.error === null ? null : `${r.error.code}: ${r.error.message}`],
  ]);
}
