import type { Command } from 'commander';
import type { PrincipalInfo } from '../../governance/index.js';
import { printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';

interface JsonOption {
  json?: boolean;
}

export function printPrincipals(out: Output, principals: PrincipalInfo[]): void {
  printRows(
    out,
    ['NAME', 'KIND', 'ADMIN', 'GROUPS', 'CREATED'],
    principals.map((p) => [
      p.name,
      p.kind,
      p.isAdmin ? 'yes' : '',
      p.groups.join(','),
      p.createdAt,
    ]),
  );
}

export function registerPrincipals(program: Command, out: Output): void {
  const principals = program
    .command('principals')
    .alias('principal')
    .description('users and service accounts');
  withExamples(principals, 'principals create alice', 'principals list');
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

  withExamples(
    principals
      .command('create')
      .description('create a user (or, with --service, a service account)')
      .argument('<name>', 'e.g. alice or etl_pipeline')
      .option('--service', 'a service account (for pipelines), not a person')
      .option('--admin', 'may do everything, including managing grants')
      .action(
        async (name: string, options: { service?: boolean; admin?: boolean }, command: Command) => {
          const created = await withSession(globals(command), (s) =>
            s.services.directory.createPrincipal(s.caller, {
              name,
              kind: options.service ? 'service' : 'user',
              isAdmin: options.admin === true,
            }),
          );
          out.stdout.write(
            `Created ${created.kind} ${created.name}${created.isAdmin ? ' (admin)' : ''}\n` +
              `next: lakeward tokens create NAME --for ${created.name}\n`,
          );
        },
      ),
    'principals create alice',
    'principals create etl_pipeline --service',
  );

  withExamples(
    principals
      .command('list')
      .description('every user and service account, with its groups')
      .option('--json', 'print JSON')
      .action(async (options: JsonOption, command: Command) => {
        const list = await withSession(globals(command), (s) =>
          s.services.directory.listPrincipals(s.caller),
        );
        if (options.json) return printJson(out, list);
        printPrincipals(out, list);
      }),
    'principals list --json',
  );

  withExamples(
    principals
      .command('delete')
      .description('delete a principal: its tokens stop working, its grants and memberships go')
      .argument('<name>')
      .action(async (name: string, _options: unknown, command: Command) => {
        await withSession(globals(command), (s) =>
          s.services.directory.deletePrincipal(s.caller, name),
        );
        out.stdout.write(`Deleted ${name}\n`);
      }),
    'principals delete alice',
  );
}
