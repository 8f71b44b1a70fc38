import type { Command } from 'commander';
import { APPLICABLE_PRIVILEGES } from '../../governance/index.js';
import { printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';
import { granteeText, granteeWords, privilegeList } from './governance-args.js';

interface CreateOptions {
  grant: string;
  to: string[];
  withGrantOption?: boolean;
}

/** `tags policy …`: grants on everything whose tags match an expression, now and later. */
export function registerTagPolicies(tags: Command, out: Output): void {
  const policy = tags.command('policy').alias('policies').description('grants on tag expressions');
  withExamples(policy, 'tags policy list');
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

  withExamples(
    policy
      .command('create')
      .description(
        `grant privileges on every namespace, table or column whose tags match (ALL: ${APPLICABLE_PRIVILEGES.table.join(',')})`,
      )
      .argument('<expression>', 'e.g. "domain=marketing AND sensitivity IN (public, internal)"')
      .requiredOption('--grant <privileges>', 'e.g. SELECT,DESCRIBE')
      .requiredOption('--to <grantee...>', 'user NAME or group NAME')
      .option('--with-grant-option', 'the grantee may grant these privileges on')
      .action(async (expression: string, options: CreateOptions, command: Command) => {
        const created = await withSession(globals(command), (s) =>
          s.services.policies.createTagPolicy(s.caller, {
            expression,
            privileges: privilegeList(options.grant, 'table'),
            grantee: granteeWords(options.to),
            withGrantOption: options.withGrantOption === true,
          }),
        );
        out.stdout.write(
          `Created tag policy ${created.id}: ${created.privileges.join(', ')} on ${created.expression} to ${granteeText(created.grantee)}\n`,
        );
      }),
    'tags policy create "domain=marketing AND sensitivity IN (public, internal)" --grant SELECT,DESCRIBE --to group marketing_team',
  );

  withExamples(
    policy
      .command('list')
      .description('every tag policy')
      .option('--json', 'print JSON')
      .action(async (options: { json?: boolean }, command: Command) => {
        const list = await withSession(globals(command), (s) =>
          s.services.policies.listTagPolicies(s.caller),
        );
        if (options.json) return printJson(out, list);
        printRows(
          out,
          ['ID', 'EXPRESSION', 'PRIVILEGES', 'TO', 'GRANT OPTION'],
          list.map((p) => [
            p.id,
            p.expression,
            p.privileges.join(','),
            granteeText(p.grantee),
            p.withGrantOption ? 'yes' : '',
          ]),
        );
      }),
    'tags policy list',
  );

  withExamples(
    policy
      .command('delete')
      .description('delete a tag policy')
      .argument('<id>', 'from lakeward tags policy list')
      .action(async (id: string, _options: unknown, command: Command) => {
        await withSession(globals(command), (s) =>
          s.services.policies.deleteTagPolicy(s.caller, id),
        );
        out.stdout.write(`Deleted tag policy ${id}\n`);
      }),
    'tags policy delete 7c1e…',
  );
}
