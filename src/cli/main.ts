import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { debugEnabled } from '../config/index.js';
import { registerInit } from './commands/init.js';
import { registerIngest } from './commands/ingest.js';
import { registerNamespace } from './commands/namespace.js';
import { registerQuery } from './commands/query.js';
import { registerServe } from './commands/serve.js';
import { registerTable } from './commands/table.js';
import { registerToken } from './commands/token.js';
import { registerWhoami } from './commands/whoami.js';
import { USAGE_EXIT_CODE } from './exit-codes.js';
import type { Output } from './output.js';
import { reportError } from './report-error.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

function buildProgram(out: Output): Command {
  const program = new Command('lakeward')
    .description(
      'A governed lakehouse you run yourself: Iceberg tables in bronze, silver and gold.',
    )
    .version(version)
    .option('--home <dir>', 'the Lakeward home (default: $LAKEWARD_HOME, else ./lakehouse)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => out.stdout.write(text),
      writeErr: (text) => out.stderr.write(text),
    });
  for (const register of [
    registerInit,
    registerServe,
    registerIngest,
    registerQuery,
    registerNamespace,
    registerTable,
    registerToken,
    registerWhoami,
  ]) {
    register(program, out);
  }
  return program;
}

/**
 * Runs the CLI and returns its exit code. Failures print `error:` and `hint:` lines
 * (a stack trace only with LAKEWARD_DEBUG=1); docs/errors.md lists the exit codes.
 */
export async function main(
  argv: string[],
  out: Output = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const debug = debugEnabled();
  const program = buildProgram(out);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0;
      out.stderr.write('hint: see lakeward --help, or lakeward COMMAND --help\n');
      return USAGE_EXIT_CODE;
    }
    return reportError(err, out.stderr, debug);
  }
}
