import type { Command } from 'commander';
import { InvalidInput } from '../../errors/index.js';
import { printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';

const DAY_MS = 24 * 60 * 60 * 1000;

function expiryFrom(days: string | undefined): Date | undefined {
  if (days === undefined) return undefined;
  const n = Number(days);
  if (!Number.isFinite(n) || n <= 0) {
    throw new InvalidInput(
      'INVALID_OPTION',
      `--expires-in must be a positive number of days, got "${days}".`,
      {
        hint: 'Pass e.g. --expires-in 30, or leave it out for a token that does not expire.',
      },
    );
  }
  return new Date(Date.now() + n * DAY_MS);
}

export function registerToken(program: Command, out: Output): void {
  const token = program
    .command('token')
    .description("create, list and revoke the admin's API tokens");
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

  token
    .command('create')
    .description('issue a new API token for the admin (shown once)')
    .argument('<name>', 'what the token is for, e.g. ci-pipeline')
    .option('--expires-in <days>', 'days until the token stops working')
    .action(async (name: string, options: { expiresIn?: string }, command: Command) => {
      const expiresAt = expiryFrom(options.expiresIn);
      const issued = await withSession(globals(command), (s) =>
        s.services.auth.issueToken(s.principal.id, name, expiresAt),
      );
      out.stdout.write(
        `Token "${issued.name}" (id ${issued.id}, expires ${issued.expiresAt ?? 'never'}):\n\n  ${issued.token}\n\n`,
      );
      out.stderr.write('warning: the token is shown only once; store it somewhere safe\n');
    });

  token
    .command('list')
    .description("the admin's tokens (never their secrets)")
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const tokens = await withSession(globals(command), async (s) =>
        s.services.auth.listTokens ? s.services.auth.listTokens(s.principal.id) : [],
      );
      if (options.json) return printJson(out, tokens);
      printRows(
        out,
        ['ID', 'NAME', 'CREATED', 'EXPIRES', 'LAST USED', 'REVOKED'],
        tokens.map((t) => [
          t.id,
          t.name,
          t.createdAt,
          t.expiresAt ?? 'never',
          t.lastUsedAt,
          t.revokedAt,
        ]),
      );
    });

  token
    .command('revoke')
    .description('stop a token from working')
    .argument('<id>', 'token id, from lakeward token list')
    .action(async (id: string, _options: unknown, command: Command) => {
      await withSession(globals(command), (s) => s.services.auth.revokeToken(id));
      out.stdout.write(`Revoked token ${id}\n`);
    });
}
