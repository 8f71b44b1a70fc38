import type { Command } from 'commander';
import type { CrawlerInput, CrawlerPatch, CrawlerView, CrawlRunView } from '../../crawler/index.js';
import { printFields, printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';

interface DefinitionOptions {
  target?: string[];
  exclude?: string[];
  namespace?: string;
  prefix?: string;
  schedule?: string;
  noSchedule?: boolean;
  schemaChange?: CrawlerInput['schemaChangePolicy'];
  deletion?: CrawlerInput['deletionPolicy'];
  recrawl?: CrawlerInput['recrawl'];
  description?: string;
  json?: boolean;
}

const repeat = (value: string, previous: string[] = []) => [...previous, value];

/** The options that define a crawler, shared by create and update. */
function definitionOptions(command: Command): Command {
  return command
    .option('--target <url>', 'a folder to crawl, file:///… (repeat for more)', repeat)
    .option(
      '--exclude <glob>',
      "files to leave out, relative to the target, e.g. '**/*.tmp' (repeat)",
      repeat,
    )
    .option('--namespace <name>', 'where tables are registered, e.g. bronze.raw')
    .option('--prefix <text>', 'table name prefix, e.g. bronze_')
    .option('--schedule <cron>', "cron expression in UTC, e.g. '0 3 * * *' (daily at 03:00)")
    .option('--schema-change <policy>', 'update (apply to the table) or log (only report)')
    .option('--deletion <policy>', 'when a folder is gone: deprecate, delete or log')
    .option('--recrawl <mode>', 'all (every folder) or new_folders (only folders not seen before)')
    .option('--description <text>');
}

function patchOf(o: DefinitionOptions): CrawlerPatch {
  return {
    ...(o.target === undefined ? {} : { targets: o.target }),
    ...(o.exclude === undefined ? {} : { exclude: o.exclude }),
    ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
    ...(o.prefix === undefined ? {} : { tablePrefix: o.prefix }),
    ...(o.schedule === undefined ? {} : { schedule: o.schedule }),
    ...(o.noSchedule === true ? { schedule: null } : {}),
    ...(o.schemaChange === undefined ? {} : { schemaChangePolicy: o.schemaChange }),
    ...(o.deletion === undefined ? {} : { deletionPolicy: o.deletion }),
    ...(o.recrawl === undefined ? {} : { recrawl: o.recrawl }),
    ...(o.description === undefined ? {} : { description: o.description }),
  };
}

export function registerCrawlers(program: Command, out: Output): void {
  const crawlers = program
    .command('crawlers')
    .alias('crawler')
    .description('crawlers that find raw files and register them as external tables');
  withExamples(
    crawlers,
    "crawlers create bronze-crawler --target file:///srv/landing --namespace bronze.raw --prefix bronze_ --exclude '**/*.tmp' --schedule '0 3 * * *'",
    'crawlers run bronze-crawler',
  );
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

  withExamples(
    definitionOptions(
      crawlers.command('create').description('create a crawler; you own it and it runs as you'),
    )
      .argument('<name>')
      .option('--json', 'print JSON')
      .action(async (name: string, o: DefinitionOptions, command: Command) => {
        const input = {
          name,
          targets: o.target ?? [],
          namespace: o.namespace ?? '',
          ...patchOf(o),
        };
        const created = await withSession(globals(command), (s) =>
          s.services.crawlers.create(s.caller, input as CrawlerInput),
        );
        if (o.json) return printJson(out, created);
        out.stdout.write(`Created crawler ${created.name}${scheduleText(created)}\n`);
      }),
    "crawlers create bronze-crawler --target file:///srv/landing --namespace bronze.raw --prefix bronze_ --exclude '**/*.tmp' --schedule '0 3 * * *'",
  );

  withExamples(
    definitionOptions(crawlers.command('update').description('change a crawler'))
      .argument('<name>')
      .option('--no-schedule', 'remove the schedule (manual runs only)')
      .option('--json', 'print JSON')
      .action(
        async (
          name: string,
          o: Omit<DefinitionOptions, 'schedule'> & { schedule?: string | false },
          command: Command,
        ) => {
          // commander turns --no-schedule into schedule: false.
          const { schedule, ...rest } = o;
          const options: DefinitionOptions =
            schedule === false ? { ...rest, noSchedule: true } : { ...rest, schedule };
          const updated = await withSession(globals(command), (s) =>
            s.services.crawlers.update(s.caller, name, patchOf(options)),
          );
          if (o.json) return printJson(out, updated);
          out.stdout.write(`Updated crawler ${updated.name}${scheduleText(updated)}\n`);
        },
      ),
    'crawlers update bronze-crawler --deletion delete',
    'crawlers update bronze-crawler --no-schedule',
  );

  withExamples(
    crawlers
      .command('list')
      .description('the crawlers you own (every crawler for an admin)')
      .option('--json', 'print JSON')
      .action(async (o: { json?: boolean }, command: Command) => {
        const list = await withSession(globals(command), (s) => s.services.crawlers.list(s.caller));
        if (o.json) return printJson(out, list);
        printRows(
          out,
          ['NAME', 'NAMESPACE', 'PREFIX', 'SCHEDULE', 'NEXT RUN', 'OWNER', 'TARGETS'],
          list.map((c) => [
            c.name,
            c.namespace,
            c.tablePrefix,
            c.schedule,
            c.nextRunAt,
            c.owner,
            c.targets.join(' '),
          ]),
        );
      }),
    'crawlers list',
  );

  withExamples(
    crawlers
      .command('show')
      .description('show a crawler')
      .argument('<name>')
      .option('--json', 'print JSON')
      .action(async (name: string, o: { json?: boolean }, command: Command) => {
        const c = await withSession(globals(command), (s) =>
          s.services.crawlers.get(s.caller, name),
        );
        if (o.json) return printJson(out, c);
        printFields(out, [
          ['Name', c.name],
          ['Description', c.description],
          ['Owner (runs as)', c.owner],
          ['Targets', c.targets.join(' ')],
          ['Exclude', c.exclude.join(' ')],
          ['Namespace', c.namespace],
          ['Table prefix', c.tablePrefix],
          ['Schedule (UTC)', c.schedule ?? 'manual runs only'],
          ['Next run', c.nextRunAt],
          ['Schema changes', c.schemaChangePolicy],
          ['Deleted folders', c.deletionPolicy],
          ['Recrawl', c.recrawl],
          ['Running', c.running],
        ]);
      }),
    'crawlers show bronze-crawler',
  );

  withExamples(
    crawlers
      .command('run')
      .description('run a crawler now (as its owner) and print what it did')
      .argument('<name>')
      .option('--json', 'print JSON')
      .action(async (name: string, o: { json?: boolean }, command: Command) => {
        const run = await withSession(globals(command), (s) =>
          s.services.crawlers.run(s.caller, name),
        );
        if (o.json) return printJson(out, run);
        printRun(out, run);
      }),
    'crawlers run bronze-crawler',
  );

  withExamples(
    crawlers
      .command('runs')
      .description("a crawler's runs, newest first")
      .argument('<name>')
      .option('--limit <n>', 'how many runs', (v) => Number.parseInt(v, 10), 20)
      .option('--json', 'print JSON')
      .action(async (name: string, o: { json?: boolean; limit: number }, command: Command) => {
        const runs = await withSession(globals(command), (s) =>
          s.services.crawlers.runs(s.caller, name, o.limit),
        );
        if (o.json) return printJson(out, runs);
        printRows(
          out,
          ['RUN', 'TRIGGER', 'STATUS', 'STARTED', 'ENDED', 'SUMMARY'],
          runs.map((r) => [
            r.id,
            r.trigger,
            r.status,
            r.startedAt,
            r.endedAt,
            r.error ?? summaryText(r),
          ]),
        );
      }),
    'crawlers runs bronze-crawler --limit 5',
  );

  withExamples(
    crawlers
      .command('delete')
      .description('delete a crawler and its runs (the tables it registered stay)')
      .argument('<name>')
      .action(async (name: string, _o: unknown, command: Command) => {
        await withSession(globals(command), (s) => s.services.crawlers.delete(s.caller, name));
        out.stdout.write(`Deleted crawler ${name}\n`);
      }),
    'crawlers delete bronze-crawler',
  );
}

function scheduleText(c: CrawlerView): string {
  return c.nextRunAt === null ? '' : ` (next run ${c.nextRunAt})`;
}

function summaryText(run: CrawlRunView): string {
  const summary = run.report?.summary ?? {};
  return Object.entries(summary)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function printRun(out: Output, run: CrawlRunView): void {
  out.stdout.write(`Run ${run.id}: ${run.status}${run.error === null ? '' : ` (${run.error})`}\n`);
  if (run.report === null) return;
  out.stdout.write(`${run.report.filesSeen} file(s) seen\n`);
  printRows(
    out,
    ['TABLE', 'ACTION', 'FORMAT', 'FILES', 'RECORDS', 'WHY'],
    run.report.tables.map((t) => [t.table, t.action, t.format, t.files, t.recordCount, t.reason]),
  );
  if (run.report.skipped.length > 0) {
    out.stdout.write('\nSkipped:\n');
    printRows(
      out,
      ['PATH', 'KIND', 'WHY'],
      run.report.skipped.map((s) => [s.path, s.kind, s.reason]),
    );
  }
}
