import type { Command } from 'commander';
import { printFields, printJson, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';

export function registerWhoami(program: Command, out: Output): void {
  program
    .command('whoami')
    .description('the principal this command line acts as')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { principal, config } = await withSession(
        command.optsWithGlobals<GlobalOptions>(),
        async (s) => s,
      );
      if (options.json) return printJson(out, { ...principal, home: config.home });
      printFields(out, [
        ['name', principal.name],
        ['id', principal.id],
        ['kind', principal.kind],
        ['admin', principal.isAdmin ? 'yes' : 'no'],
        ['auth', `${principal.authMethod} (working directly on the home)`],
        ['home', config.home],
      ]);
    });
}
