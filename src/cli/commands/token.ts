import type { Command } from 'commander';
import { InvalidInput } from '../../errors/index.js';
import { printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';

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

/** `tokens` (and its old name `token`): API tokens of the caller or, for an admin, anyone's. */
export function registerToken(program: Command, out: Output): void {
  const tokens = program
    .command('tokens')
    .alias('token')
    .description('create, list and revoke API tokens (yours, or --for another principal)');
  withExamples(tokens, 'tokens create ci-pipeline --expires-in 90', 'tokens list --for alice');
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

  withExamples(
    tokens
      .command('create')
      .description('issue a new API token (shown once)')
      .argument('<name>', 'what the token is for, e.g. ci-pipeline')
      .option('--for <principal>', 'whose token (default: yours)')
      .option('--expires-in <days>', 'days until the token stops working')
      .action(
        async (name: string, options: { for?: string; expiresIn?: string }, command: Command) => {
          const expiresAt = expiryFrom(options.expiresIn);
          const issued = await withSession(globals(command), (s) =>
            s.services.directory.issueToken(s.caller, {
              name,
              ...(options.for === undefined ? {} : { principal: options.for }),
              ...(expiresAt === undefined ? {} : { expiresAt }),
            }),
          );
          out.stdout.write(
            `Token "${issued.name}" (id ${issued.id}, expires ${issued.expiresAt ?? 'never'}):\n\n  ${issued.token}\n\n`,
          );
          out.stderr.write('warning: the token is shown only once; store it somewhere safe\n');
        },
      ),
    'tokens create ci-pipeline --expires-in 90',
    'tokens create notebook --for alice',
  );

  withExamples(
    tokens
      .command('list')
      .description('tokens (never their secrets)')
      .option('--for <principal>', 'whose tokens (default: yours)')
      .option('--json', 'print JSON')
      .action(async (options: { for?: string; json?: boolean }, command: Command) => {
        const list = await withSession(globals(command), (s) =>
          s.services.directory.listTokens(s.caller, options.for),
        );
        if (options.json) return printJson(out, list);
        printRows(
          out,
          ['ID', 'NAME', 'CREATED', 'EXPIRES', 'LAST USED', 'REVOKED'],
          list.map((t) => [
            t.id,
            t.name,
            t.createdAt,
            t.expiresAt ?? 'never',
            t.lastUsedAt,
            t.revokedAt,
          ]),
        );
      }),
    'tokens list',
    'tokens list --for alice --json',
  );

  withExamples(
    tokens
      .command('revoke')
      .description('stop a token from working, at once')
      .argument('<id>', 'token id, from lakeward tokens list')
      .action(async (id: string, _options: unknown, command: Command) => {
        await withSession(globals(command), (s) => s.services.directory.revokeToken(s.caller, id));
        out.stdout.write(`Revoked token ${id}\n`);
      }),
    'tokens revoke 3f2a…',
  );
}
