import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseTableName } from '../../catalog/index.js';
import { Conflict, InvalidInput } from '../../errors/index.js';
import type { QualityResult, RulesetChoice, TableProfile } from '../../quality/index.js';
import { printFields, printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';

const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

async function rulesFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new InvalidInput('QUALITY_FILE_UNREADABLE', `Cannot read the ruleset file ${file}.`, {
      hint: 'Give the path of a DQDL file, e.g. --file rules.dqdl.',
      cause: err,
    });
  }
}

async function choiceOf(options: { ruleset?: string; file?: string }): Promise<RulesetChoice> {
  if ((options.ruleset === undefined) === (options.file === undefined)) {
    throw new InvalidInput('QUALITY_RULESET_CHOICE', 'Give either --ruleset NAME or --file FILE.', {
      hint: 'e.g. lakeward quality evaluate silver.retail.sales --file rules.dqdl',
    });
  }
  return options.ruleset !== undefined
    ? { name: options.ruleset }
    : { text: await rulesFile(options.file!) };
}

/** For scripts and CI: the evaluation ran, but the data did not pass. */
function checkFailed(result: QualityResult): Conflict {
  const failed = result.rules.filter((r) => r.severity === 'error' && r.status !== 'pass');
  return new Conflict(
    'QUALITY_CHECK_FAILED',
    `${result.table} failed ${failed.length} rule(s) of severity error: ${failed.map((r) => `line ${r.line}`).join(', ')}.`,
    {
      hint: 'Fix the data or the rules (the failing rows are printed above), or move rules that should only warn to WarnRules.',
    },
  );
}

function printResult(out: Output, result: QualityResult): void {
  printFields(out, [
    ['Table', result.table],
    ['Ruleset', result.ruleset ?? '(inline)'],
    ['Rows', result.rowCount],
    ['Score', `${Math.round(result.score * 1000) / 10}%`],
    ['Status', result.status],
  ]);
  out.stdout.write('\n');
  printRows(
    out,
    ['LINE', 'STATUS', 'SEVERITY', 'RULE', 'VALUE', 'MESSAGE'],
    result.rules.map((r) => [
      r.line,
      r.status.toUpperCase(),
      r.severity,
      r.rule,
      r.value,
      r.message,
    ]),
  );
  for (const r of result.rules.filter((x) => x.failingRows !== undefined)) {
    out.stdout.write(`\nFailing rows of line ${r.line} (${r.rule}):\n`);
    printRows(out, r.failingRows!.columns, r.failingRows!.rows);
  }
}

function printProfile(out: Output, profile: TableProfile): void {
  printFields(out, [
    ['Table', profile.table],
    ['Rows', profile.rowCount],
  ]);
  out.stdout.write('\n');
  printRows(
    out,
    ['COLUMN', 'TYPE', 'NULLS', 'DISTINCT~', 'MIN', 'MAX', 'MEAN', 'STDDEV', 'TOP VALUES'],
    profile.columns.map((c) => [
      c.name,
      c.type,
      c.nulls,
      c.distinctApprox,
      c.min,
      c.max,
      c.mean === null ? null : Number(c.mean.toPrecision(6)),
      c.stddev === null ? null : Number(c.stddev.toPrecision(6)),
      c.topValues
        .slice(0, 3)
        .map((t) => `${String(t.value)} (${t.count})`)
        .join(', '),
    ]),
  );
}

export function registerQuality(program: Command, out: Output): void {
  const quality = program
    .command('quality')
    .description('data quality: DQDL rulesets, evaluations and their history, profiles');
  withExamples(
    quality,
    'quality evaluate silver.retail.sales --file rules.dqdl',
    'quality recommend silver.retail.sales > rules.dqdl',
  );

  withExamples(
    quality
      .command('evaluate')
      .description('evaluate a stored or given ruleset over the table as you read it')
      .argument('<table>')
      .option('--ruleset <name>', 'a ruleset stored for the table')
      .option('--file <file>', 'a DQDL file')
      .option(
        '--publish',
        'also set quality_score, quality_status, null_rate.<column> (needs ALTER)',
      )
      .option('--json', 'print JSON')
      .option('--check', 'exit with an error (code 4) when a rule of severity error fails')
      .action(
        async (
          table: string,
          options: {
            ruleset?: string;
            file?: string;
            publish?: boolean;
            json?: boolean;
            check?: boolean;
          },
          command: Command,
        ) => {
          const choice = await choiceOf(options);
          const result = await withSession(globals(command), (s) =>
            s.services.quality.evaluate(s.caller, parseTableName(table), choice, {
              publish: options.publish === true,
            }),
          );
          if (options.json) printJson(out, result);
          else printResult(out, result);
          if (options.check === true && result.status === 'failed') throw checkFailed(result);
        },
      ),
    'quality evaluate silver.retail.sales --ruleset silver_checks',
    'quality evaluate silver.retail.sales --file rules.dqdl --json',
    'quality evaluate silver.retail.sales --ruleset silver_checks --check',
  );

  withExamples(
    quality
      .command('validate')
      .description('check a DQDL file (errors name the line and column)')
      .argument('<file>')
      .action(async (file: string, _o: unknown, command: Command) => {
        const text = await rulesFile(file);
        await withSession(globals(command), async (s) => s.services.quality.validate(text));
        out.stdout.write(`${file} is a valid ruleset\n`);
      }),
    'quality validate rules.dqdl',
  );

  withExamples(
    quality
      .command('profile')
      .description(
        'per column: nulls, distinct (approximate), min/max, mean/stddev, top values, histogram',
      )
      .argument('<table>')
      .option('--json', 'print JSON (with histograms)')
      .action(async (table: string, options: { json?: boolean }, command: Command) => {
        const profile = await withSession(globals(command), (s) =>
          s.services.quality.profile(s.caller, parseTableName(table)),
        );
        if (options.json) printJson(out, profile);
        else printProfile(out, profile);
      }),
    'quality profile silver.retail.sales',
  );

  withExamples(
    quality
      .command('recommend')
      .description('print a starter DQDL ruleset recommended from a profile of the table')
      .argument('<table>')
      .action(async (table: string, _o: unknown, command: Command) => {
        const { ruleset } = await withSession(globals(command), (s) =>
          s.services.quality.recommend(s.caller, parseTableName(table)),
        );
        out.stdout.write(ruleset);
      }),
    'quality recommend silver.retail.sales > rules.dqdl',
  );

  withExamples(
    quality
      .command('runs')
      .description("the table's evaluations, newest first")
      .argument('<table>')
      .option('--limit <n>', 'how many', '20')
      .option('--json', 'print JSON')
      .action(
        async (table: string, options: { limit: string; json?: boolean }, command: Command) => {
          const limit = Number.parseInt(options.limit, 10);
          if (!Number.isInteger(limit) || limit < 1) {
            throw new InvalidInput(
              'INVALID_OPTION',
              `--limit ${options.limit} is not a positive whole number.`,
              {
                hint: 'e.g. --limit 20',
              },
            );
          }
          const runs = await withSession(globals(command), (s) =>
            s.services.quality.runs(s.caller, parseTableName(table), limit),
          );
          if (options.json) printJson(out, runs);
          else
            printRows(
              out,
              ['EVALUATED AT', 'BY', 'RULESET', 'ROWS', 'SCORE', 'STATUS', 'SNAPSHOT'],
              runs.map((r) => [
                r.evaluatedAt.toISOString(),
                r.evaluatedBy,
                r.rulesetName ?? '(inline)',
                r.rowCount,
                Math.round(r.score * 1000) / 1000,
                r.status,
                r.snapshotId,
              ]),
            );
        },
      ),
    'quality runs silver.retail.sales --limit 5',
  );

  registerRulesets(quality, out);
}

function registerRulesets(quality: Command, out: Output): void {
  const rulesets = quality.command('rulesets').description("a table's stored rulesets");
  withExamples(
    rulesets,
    'quality rulesets create silver.retail.sales silver_checks --file rules.dqdl',
  );

  withExamples(
    rulesets
      .command('create')
      .description('store a ruleset for the table under a name (needs ALTER)')
      .argument('<table>')
      .argument('<name>')
      .requiredOption('--file <file>', 'the DQDL file')
      .option('--description <text>')
      .action(
        async (
          table: string,
          name: string,
          options: { file: string; description?: string },
          command: Command,
        ) => {
          const ruleset = await rulesFile(options.file);
          await withSession(globals(command), (s) =>
            s.services.quality.createRuleset(s.caller, parseTableName(table), {
              name,
              ruleset,
              ...(options.description === undefined ? {} : { description: options.description }),
            }),
          );
          out.stdout.write(`Created ruleset ${name} on ${table}\n`);
        },
      ),
    'quality rulesets create silver.retail.sales silver_checks --file rules.dqdl',
  );

  withExamples(
    rulesets
      .command('update')
      .description("replace a ruleset's text (needs ALTER)")
      .argument('<table>')
      .argument('<name>')
      .requiredOption('--file <file>', 'the DQDL file')
      .action(async (table: string, name: string, options: { file: string }, command: Command) => {
        const ruleset = await rulesFile(options.file);
        await withSession(globals(command), (s) =>
          s.services.quality.updateRuleset(s.caller, parseTableName(table), name, { ruleset }),
        );
        out.stdout.write(`Updated ruleset ${name} on ${table}\n`);
      }),
    'quality rulesets update silver.retail.sales silver_checks --file rules.dqdl',
  );

  withExamples(
    rulesets
      .command('list')
      .description("the table's rulesets")
      .argument('<table>')
      .option('--json', 'print JSON')
      .action(async (table: string, options: { json?: boolean }, command: Command) => {
        const list = await withSession(globals(command), (s) =>
          s.services.quality.listRulesets(s.caller, parseTableName(table)),
        );
        if (options.json) printJson(out, list);
        else
          printRows(
            out,
            ['NAME', 'DESCRIPTION', 'UPDATED BY', 'UPDATED AT'],
            list.map((r) => [r.name, r.description, r.updatedBy, r.updatedAt.toISOString()]),
          );
      }),
    'quality rulesets list silver.retail.sales',
  );

  withExamples(
    rulesets
      .command('show')
      .description("print a ruleset's DQDL")
      .argument('<table>')
      .argument('<name>')
      .action(async (table: string, name: string, _o: unknown, command: Command) => {
        const found = await withSession(globals(command), (s) =>
          s.services.quality.getRuleset(s.caller, parseTableName(table), name),
        );
        out.stdout.write(found.ruleset.endsWith('\n') ? found.ruleset : `${found.ruleset}\n`);
      }),
    'quality rulesets show silver.retail.sales silver_checks',
  );

  withExamples(
    rulesets
      .command('delete')
      .description('delete a ruleset (needs ALTER)')
      .argument('<table>')
      .argument('<name>')
      .action(async (table: string, name: string, _o: unknown, command: Command) => {
        await withSession(globals(command), (s) =>
          s.services.quality.deleteRuleset(s.caller, parseTableName(table), name),
        );
        out.stdout.write(`Deleted ruleset ${name} of ${table}\n`);
      }),
    'quality rulesets delete silver.retail.sales silver_checks',
  );
}
