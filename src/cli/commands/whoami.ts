import type { Command } from 'commander';
import { printFields, printJson, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';

const AUTH_METHODS: Record<string, string> = {
  local: 'local (working directly on the home)',
  token: 'API token (LAKEWARD_TOKEN)',
  oidc: 'single sign-on (OIDC)',
};

export function registerWhoami(program: Command, out: Output): void {
  withExamples(
    program
      .command('whoami')
      .description('the principal this command line acts as, with its groups')
      .option('--json', 'print JSON')
      .action(async (options: { json?: boolean }, command: Command) => {
        const { me, home } = await withSession(
          command.optsWithGlobals<GlobalOptions>(),
          async (s) => ({ me: await s.services.directory.whoami(s.caller), home: s.config.home }),
        );
        if (options.json) return printJson(out, { ...me, home });
        printFields(out, [
          ['name', me.name],
          ['id', me.id],
          ['kind', me.kind],
          ['admin', me.isAdmin ? 'yes' : 'no'],
          ['groups', me.groups.join(', ') || '(none)'],
          ['all groups', me.allGroups.join(', ')],
          ['auth', AUTH_METHODS[me.authMethod] ?? me.authMethod],
          ['home', home],
        ]);
      }),
    'whoami',
    'whoami --json',
  );
}
