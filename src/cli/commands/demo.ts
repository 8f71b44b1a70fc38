import type { Command } from 'commander';
import { runDemo, type DemoReport } from '../demo/demo-story.js';
import { DEMO_TABLES } from '../demo/demo-plan.js';
import { formatRows, printJson, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';

export function registerDemo(program: Command, out: Output): void {
  withExamples(
    program
      .command('demo')
      .description(
        "the architecture brief's walkthrough on a new home: CRM data through bronze, silver and gold, with quality, lineage, grants, a row filter and a mask (runs once per home)",
      )
      .option('--json', 'print JSON (tables and row counts, demo tokens, query results)')
      .action(async (options: { json?: boolean }, command: Command) => {
        const say = (line: string) => {
          if (options.json !== true) out.stdout.write(`${line}\n`);
        };
        const report = await withSession(command.optsWithGlobals<GlobalOptions>(), (s) =>
          runDemo(s.services, s.caller, say),
        );
        if (options.json === true) return printJson(out, report);
        printSummary(out, report, command.optsWithGlobals<GlobalOptions>().home);
      }),
    'init --home demo && lakeward demo --home demo',
    'demo --json',
  );
}

function printSummary(out: Output, report: DemoReport, home: string | undefined): void {
  for (const query of report.queries) {
    out.stdout.write(`\n   -- ${query.title}\n   ${query.sql}\n`);
    const table = formatRows(query.columns, query.rows);
    out.stdout.write(`${table.replace(/^/gm, '   ')}\n`);
  }
  out.stdout.write('\nTables:\n');
  for (const [name, rows] of Object.entries(report.tables)) {
    out.stdout.write(`   ${name.padEnd(28)} ${rows} rows\n`);
  }
  const at = home === undefined ? '' : ` --home ${home}`;
  const token = (user: string) => report.tokens.find((t) => t.principal === user)?.token ?? '';
  out.stdout.write(`
Look around:
   lakeward search "customer ltv"${at}
   lakeward describe ${DEMO_TABLES.ltv}${at}
   lakeward catalog show ${DEMO_TABLES.ltv}${at}
   lakeward lineage ${DEMO_TABLES.ltv} --upstream${at}
   lakeward quality runs ${DEMO_TABLES.silver}${at}
   LAKEWARD_TOKEN=${token('mia')} lakeward query "SELECT * FROM ${DEMO_TABLES.revenue} ORDER BY day LIMIT 5"${at}
   LAKEWARD_TOKEN=${token('dana')} lakeward query "SELECT * FROM ${DEMO_TABLES.customers} LIMIT 5"${at}
`);
  out.stderr.write(
    'warning: the tokens above are demo tokens for mia (marketing_team) and dana (data_scientists); revoke them (lakeward tokens revoke ID) before this home holds real data\n',
  );
}
