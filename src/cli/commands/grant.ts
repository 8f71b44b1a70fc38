import type { Command } from 'commander';
import { InvalidInput } from '../../errors/index.js';
import { securableText } from '../../governance/index.js';
import type { Grantee, GrantInfo, Privilege, Securable } from '../../governance/index.js';
import { printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';
import {
  granteeArg,
  granteeText,
  granteeWords,
  privilegeList,
  securableArg,
  securableWords,
} from './governance-args.js';

interface GrantStatement {
  privileges: Privilege[];
  securable: Securable;
  grantee: Grantee;
}

/**
 * `PRIVS on KIND [NAME] to|from (user|group) NAME`, read like the SQL GRANT it mirrors;
 * the catalog has no name.
 */
function parseStatement(words: string[], preposition: 'to' | 'from'): GrantStatement {
  const usage = `PRIVILEGES on KIND NAME ${preposition} (user|group) NAME`;
  const bad = (why: string) =>
    new InvalidInput('INVALID_GRANT', `${why}; expected ${usage}.`, {
      hint: `e.g. SELECT,DESCRIBE on table gold.revenue.monthly ${preposition} group marketing_team`,
    });
  const [privileges, on, kind, ...rest] = words;
  if (privileges === undefined || on?.toLowerCase() !== 'on' || kind === undefined) {
    throw bad('The privileges and "on KIND" are missing');
  }
  const at = rest.findIndex((w) => w.toLowerCase() === preposition);
  if (at === -1) throw bad(`"${preposition}" is missing`);
  if (rest.length - at !== 3) throw bad(`After "${preposition}" give user NAME or group NAME`);
  const securable = securableArg(kind, rest.slice(0, at).join(' '));
  return {
    privileges: privilegeList(privileges, securable.kind),
    securable,
    grantee: granteeArg(rest[at + 1]!, rest[at + 2]),
  };
}

function printGrants(out: Output, grants: GrantInfo[]): void {
  printRows(
    out,
    ['PRIVILEGE', 'ON', 'TO', 'GRANT OPTION', 'GRANTED BY', 'ID'],
    grants.map((g) => [
      g.privilege,
      securableText(g.securable),
      granteeText(g.grantee),
      g.withGrantOption ? 'yes' : '',
      g.grantedBy,
      g.id,
    ]),
  );
}

export function registerGrant(program: Command, out: Output): void {
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

  withExamples(
    program
      .command('grant')
      .description('grant privileges on a catalog, namespace, table, volume or column')
      .usage('PRIVILEGES on KIND NAME to (user|group) NAME [--with-grant-option]')
      .argument('<words...>')
      .option('--with-grant-option', 'the grantee may grant these privileges on')
      .action(async (words: string[], options: { withGrantOption?: boolean }, command: Command) => {
        const statement = parseStatement(words, 'to');
        await withSession(globals(command), (s) =>
          s.services.policies.grant(s.caller, {
            ...statement,
            withGrantOption: options.withGrantOption === true,
          }),
        );
        out.stdout.write(
          `Granted ${statement.privileges.join(', ')} on ${securableText(statement.securable)} to ${granteeText(statement.grantee)}\n`,
        );
      }),
    'grant SELECT,DESCRIBE on table gold.revenue.monthly to group marketing_team',
    'grant USAGE on namespace gold.revenue to group marketing_team',
    'grant ALL on namespace bronze.crm to user alice --with-grant-option',
    'grant READ_AUDIT on catalog to group auditors',
  );

  withExamples(
    program
      .command('revoke')
      .description('revoke privileges (revoking what was never granted is not an error)')
      .usage('PRIVILEGES on KIND NAME from (user|group) NAME')
      .argument('<words...>')
      .action(async (words: string[], _options: unknown, command: Command) => {
        const statement = parseStatement(words, 'from');
        const revoked = await withSession(globals(command), (s) =>
          s.services.policies.revoke(s.caller, statement),
        );
        out.stdout.write(
          `Revoked ${revoked} grant${revoked === 1 ? '' : 's'} on ${securableText(statement.securable)} from ${granteeText(statement.grantee)}\n`,
        );
      }),
    'revoke SELECT on table gold.revenue.monthly from group marketing_team',
  );

  const grants = withExamples(
    program.command('grants').description('list grants'),
    'grants list --on table gold.revenue.monthly',
  );
  withExamples(
    grants
      .command('list')
      .description('grants you may see, optionally on one securable or to one grantee')
      .option('--on <kind-and-name...>', 'e.g. --on table gold.revenue.monthly')
      .option('--to <kind-and-name...>', 'e.g. --to group marketing_team')
      .option('--json', 'print JSON')
      .action(
        async (options: { on?: string[]; to?: string[]; json?: boolean }, command: Command) => {
          const filter = {
            ...(options.on === undefined ? {} : { securable: securableWords(options.on) }),
            ...(options.to === undefined ? {} : { grantee: granteeWords(options.to) }),
          };
          const list = await withSession(globals(command), (s) =>
            s.services.policies.listGrants(s.caller, filter),
          );
          if (options.json) return printJson(out, list);
          printGrants(out, list);
        },
      ),
    'grants list --on namespace gold.revenue',
    'grants list --to group marketing_team --json',
  );

  const owner = withExamples(
    program.command('owner').description('owners of securables'),
    'owner set table gold.revenue.monthly group finance',
  );
  withExamples(
    owner
      .command('set')
      .description('make a user or group the owner (replacing the previous owner)')
      .usage('KIND NAME (user|group) NAME')
      .argument('<words...>')
      .action(async (words: string[], _options: unknown, command: Command) => {
        if (words.length < 3) {
          throw new InvalidInput('INVALID_OWNER', 'Expected KIND NAME (user|group) NAME.', {
            hint: 'e.g. lakeward owner set table gold.revenue.monthly group finance',
          });
        }
        const securable = securableArg(words[0]!, words.slice(1, -2).join(' '));
        const grantee = granteeArg(words.at(-2)!, words.at(-1));
        await withSession(globals(command), (s) =>
          s.services.policies.setOwner(s.caller, securable, grantee),
        );
        out.stdout.write(`${granteeText(grantee)} now owns ${securableText(securable)}\n`);
      }),
    'owner set table gold.revenue.monthly group finance',
    'owner set namespace bronze.crm user alice',
  );
}
