import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidInput } from '../../errors/index.js';
import type { Direction, LineageGraph } from '../../lineage/index.js';
import { printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';
import { csv } from './governance-args.js';

interface GraphOptions {
  upstream?: boolean;
  downstream?: boolean;
  depth: string;
  column?: string;
  json?: boolean;
}

function depthOf(text: string): number {
  const depth = Number(text);
  if (!Number.isInteger(depth) || depth < 1) {
    throw new InvalidInput(
      'INVALID_LINEAGE_DEPTH',
      `--depth ${text} is not a whole number above 0.`,
      {
        hint: 'e.g. --depth 3',
      },
    );
  }
  return depth;
}

function printGraph(out: Output, graph: LineageGraph): void {
  printRows(
    out,
    ['NODE', 'KIND', 'DEPTH', 'COLUMNS'],
    graph.nodes.map((n) => [
      n.name ?? '(hidden)',
      n.kind,
      n.depth ?? null,
      n.columns?.join(', ') ?? '',
    ]),
  );
  out.stdout.write('\n');
  const label = (id: string) => graph.nodes.find((n) => n.id === id)?.name ?? '(hidden)';
  printRows(
    out,
    ['FROM', 'TO', 'TRANSFORMATION', 'JOB'],
    graph.edges.map((e) => [
      `${label(e.from)}${e.fromColumn === undefined ? '' : `.${e.fromColumn}`}`,
      `${label(e.to)}${e.toColumn === undefined ? '' : `.${e.toColumn}`}`,
      e.transformation ?? '',
      e.job === undefined ? '' : label(e.job),
    ]),
  );
}

export function registerLineage(program: Command, out: Output): void {
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();
  const lineage = withExamples(
    program
      .command('lineage')
      .description(
        'table and column lineage of jobs (and OpenLineage imports): graph, impact, ML models; tables you may not describe show as (hidden)',
      ),
    'lineage gold.revenue.customer_ltv --upstream --depth 2',
    'lineage bronze.crm.sales --downstream --column price --json',
    'lineage impact bronze.crm.sales --column price',
  );

  withExamples(
    lineage
      // The default: `lineage TABLE …` is `lineage show TABLE …`.
      .command('show', { isDefault: true })
      .description('the lineage graph of a table or column')
      .argument('<table>', 'e.g. gold.revenue.customer_ltv')
      .option('--upstream', 'only what the table is made from')
      .option('--downstream', 'only what is made from the table')
      .option('--depth <n>', 'hops to follow', '3')
      .option('--column <name>', 'follow one column')
      .option('--json', 'print JSON')
      .action(async (table: string, options: GraphOptions, command: Command) => {
        const direction: Direction =
          options.upstream === options.downstream
            ? 'both'
            : options.upstream
              ? 'upstream'
              : 'downstream';
        const graph = await withSession(globals(command), (s) =>
          s.services.lineage.graph(s.caller, {
            table,
            direction,
            depth: depthOf(options.depth),
            column: options.column,
          }),
        );
        if (options.json) return printJson(out, graph);
        printGraph(out, graph);
      }),
    'lineage gold.revenue.customer_ltv --upstream --depth 2',
    'lineage show bronze.crm.sales --downstream --column price --json',
  );

  withExamples(
    lineage
      .command('impact')
      .description(
        'every downstream table, job and consumer (ML models, other systems) of a table or column',
      )
      .argument('<table>')
      .option('--column <name>')
      .option('--json', 'print JSON')
      .action(
        async (table: string, options: { column?: string; json?: boolean }, command: Command) => {
          const impact = await withSession(globals(command), (s) =>
            s.services.lineage.impact(s.caller, table, options.column),
          );
          if (options.json) return printJson(out, impact);
          const rows: unknown[][] = [
            ...impact.tables.map((t) => ['table', t.name, t.depth, t.columns?.join(', ') ?? '']),
            ...impact.jobs.map((j) => [
              'job',
              j.name,
              null,
              j.version === null ? '' : `version ${j.version}`,
            ]),
            ...impact.consumers.map((c) =>
              c.kind === 'model'
                ? ['model', c.modelId, null, `reads ${c.table}, owner ${c.owner}`]
                : ['dataset', c.name, null, ''],
            ),
          ];
          printRows(out, ['KIND', 'NAME', 'DEPTH', 'DETAIL'], rows);
          const hidden = impact.hiddenTables + impact.hiddenJobs;
          if (hidden > 0) out.stdout.write(`…and ${hidden} table(s) or job(s) you may not see.\n`);
        },
      ),
    'lineage impact bronze.crm.customer_data --column region',
  );

  withExamples(
    lineage
      .command('runs')
      .description("a job's recorded runs, newest first (other tools' jobs as namespace/name)")
      .argument('<job>')
      .option('--limit <n>', 'how many', '20')
      .option('--json', 'print JSON')
      .action(async (job: string, options: { limit: string; json?: boolean }, command: Command) => {
        const runs = await withSession(globals(command), (s) =>
          s.services.lineage.runs(s.caller, job, depthOf(options.limit)),
        );
        if (options.json) return printJson(out, runs);
        printRows(
          out,
          ['RUN', 'EVENT', 'AT', 'VERSION', 'ORIGIN', 'ERROR'],
          runs.map((r) => [
            r.runId,
            r.eventType,
            r.at.toISOString(),
            r.jobVersion,
            r.origin,
            r.error ?? '',
          ]),
        );
      }),
    'lineage runs gold_ltv',
  );

  withExamples(
    lineage
      .command('import')
      .description(
        'report OpenLineage run events from a JSON or NDJSON file (as POST /api/v1/lineage does)',
      )
      .argument('<file>')
      .action(async (file: string, _o: unknown, command: Command) => {
        const text = await readFile(file, 'utf8');
        const events = text.trimStart().startsWith('[')
          ? (JSON.parse(text) as unknown[])
          : text
              .split('\n')
              .filter((l) => l.trim() !== '')
              .map((l) => JSON.parse(l) as unknown);
        await withSession(globals(command), async (s) => {
          for (const event of events) {
            const imported = await s.services.lineage.importEvent(s.caller, event);
            out.stdout.write(
              `Imported ${imported.eventType} of ${imported.job} (run ${imported.runId})\n`,
            );
          }
        });
      }),
    'lineage import spark-events.ndjson',
  );

  withExamples(
    lineage
      .command('gold')
      .description(
        "declare a gold table's business metric (a glossary term) and feature-store reference",
      )
      .argument('<table>')
      .option('--metric <term>', 'glossary term of the business metric')
      .option('--feature-store <ref>', 'e.g. feast://customer_features')
      .option('--entity-keys <a,b>', "the table's entity key columns")
      .option('--event-time <column>', 'the event-time column')
      .action(
        async (
          table: string,
          options: {
            metric?: string;
            featureStore?: string;
            entityKeys?: string;
            eventTime?: string;
          },
          command: Command,
        ) => {
          if (options.featureStore === undefined && options.entityKeys !== undefined) {
            throw new InvalidInput(
              'FEATURE_STORE_REQUIRED',
              '--entity-keys needs --feature-store.',
              {
                hint: 'e.g. --feature-store feast://customer_features --entity-keys customer_id',
              },
            );
          }
          const declared = await withSession(globals(command), (s) =>
            s.services.goldTables.declare(s.caller, table, {
              ...(options.metric !== undefined && { businessMetric: options.metric }),
              ...(options.featureStore !== undefined && {
                featureStore: {
                  reference: options.featureStore,
                  entityKeys: csv(options.entityKeys ?? ''),
                  eventTimeColumn: options.eventTime,
                },
              }),
            }),
          );
          out.stdout.write(`Declared ${[...declared.namespace, declared.name].join('.')}\n`);
        },
      ),
    'lineage gold gold.revenue.customer_ltv --metric "Customer Lifetime Value" --feature-store feast://customers --entity-keys customer_id --event-time last_day',
  );

  registerModels(lineage, out);
}

function registerModels(lineage: Command, out: Output): void {
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();
  const models = withExamples(
    lineage
      .command('models')
      .description('ML models that consume a table (consumers in impact analysis)'),
    'lineage models list gold.revenue.customer_ltv',
  );
  withExamples(
    models
      .command('add')
      .description('list a model as a consumer of a table (needs ALTER on it)')
      .argument('<table>')
      .requiredOption('--model <id>', 'the model id, e.g. churn_v3')
      .requiredOption('--owner <owner>', 'who owns the model')
      .option('--description <text>')
      .option('--url <url>', 'where the model lives (registry, docs)')
      .action(
        async (
          table: string,
          options: { model: string; owner: string; description?: string; url?: string },
          command: Command,
        ) => {
          await withSession(globals(command), (s) =>
            s.services.goldTables.addModel(s.caller, table, {
              modelId: options.model,
              owner: options.owner,
              description: options.description,
              url: options.url,
            }),
          );
          out.stdout.write(`Model ${options.model} consumes ${table}\n`);
        },
      ),
    'lineage models add gold.revenue.customer_ltv --model churn_v3 --owner data_science',
  );
  withExamples(
    models
      .command('list')
      .description('the models that consume a table')
      .argument('<table>')
      .option('--json', 'print JSON')
      .action(async (table: string, options: { json?: boolean }, command: Command) => {
        const list = await withSession(globals(command), (s) =>
          s.services.goldTables.listModels(s.caller, table),
        );
        if (options.json) return printJson(out, list);
        printRows(
          out,
          ['MODEL', 'OWNER', 'DESCRIPTION', 'URL', 'ADDED BY'],
          list.map((m) => [m.modelId, m.owner, m.description ?? '', m.url ?? '', m.addedBy]),
        );
      }),
    'lineage models list gold.revenue.customer_ltv --json',
  );
  withExamples(
    models
      .command('remove')
      .description('remove a model from the consumers of a table (needs ALTER on it)')
      .argument('<table>')
      .requiredOption('--model <id>')
      .action(async (table: string, options: { model: string }, command: Command) => {
        await withSession(globals(command), (s) =>
          s.services.goldTables.removeModel(s.caller, table, options.model),
        );
        out.stdout.write(`Removed model ${options.model} from ${table}\n`);
      }),
    'lineage models remove gold.revenue.customer_ltv --model churn_v3',
  );
}
