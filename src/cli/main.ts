import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { debugEnabled } from '../config/index.js';
import { registerAccess } from './commands/access.js';
import { registerClassify } from './commands/classify.js';
import { registerDescribe } from './commands/describe.js';
import { registerDemo } from './commands/demo.js';
import { registerGlossary } from './commands/glossary.js';
import { registerAudit } from './commands/audit.js';
import { registerCrawlers } from './commands/crawlers.js';
import { registerJobs } from './commands/jobs.js';
import { registerStreams } from './commands/streams.js';
import { registerLineage } from './commands/lineage.js';
import { registerCatalog } from './commands/catalog.js';
import { registerFilters } from './commands/filters.js';
import { registerGrant } from './commands/grant.js';
import { registerGroups } from './commands/groups.js';
import { registerInit } from './commands/init.js';
import { registerIngest } from './commands/ingest.js';
import { registerMasks } from './commands/masks.js';
import { registerNamespace } from './commands/namespace.js';
import { registerPrincipals } from './commands/principals.js';
import { registerQuery } from './commands/query.js';
import { registerQuality } from './commands/quality.js';
import { registerServe } from './commands/serve.js';
import { registerTable } from './commands/table.js';
import { registerTags } from './commands/tags.js';
import { registerSearch } from './commands/search.js';
import { registerToken } from './commands/token.js';
import { registerVolumes } from './commands/volumes.js';
import { registerWhoami } from './commands/whoami.js';
import { USAGE_EXIT_CODE } from './exit-codes.js';
import type { Output } from './output.js';
import { reportError } from './report-error.js';
import { setCommandPath } from './session.js';

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
    })
    // The audit event of a command names it by its path, e.g. `cli table drop`.
    .hook('preAction', (_program, action) => setCommandPath(commandPath(action)));
  for (const register of [
    registerInit,
    registerServe,
    registerIngest,
    registerQuery,
    registerNamespace,
    registerTable,
    registerCatalog,
    registerWhoami,
    registerPrincipals,
    registerGroups,
    registerToken,
    registerGrant,
    registerTags,
    registerSearch,
    registerFilters,
    registerMasks,
    registerAudit,
    registerAccess,
    registerClassify,
    registerDescribe,
    registerGlossary,
    registerVolumes,
    registerCrawlers,
    registerQuality,
    registerJobs,
    registerStreams,
    registerLineage,
    registerDemo,
  ]) {
    register(program, out);
  }
  return program;
}

/** `table drop` for `lakeward table drop …`: the names from the program down, aliases resolved. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
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
