import type { Command } from 'commander';
import { initHome, maskHashKeyFileOf } from '../../app.js';
import { resolveHome } from '../../config/index.js';
import type { Output } from '../output.js';
import type { GlobalOptions } from '../session.js';

interface InitOptions {
  warehouse?: string;
  metastore?: string;
}

export function registerInit(program: Command, out: Output): void {
  program
    .command('init')
    .description('create a home: warehouse (bronze, silver, gold), metastore, admin and its token')
    .option('--warehouse <uri>', 'where table data lives (file:///…, s3://bucket/prefix)')
    .option('--metastore <uri>', 'sqlite:/path.db or postgres://user:pass@host/db')
    .action(async (options: InitOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const home = resolveHome({ home: globals.home });
      const overrides = {
        ...(options.warehouse ? { warehouse: options.warehouse } : {}),
        ...(options.metastore ? { metastore: options.metastore } : {}),
      };
      const result = await initHome({ home, overrides });
      if (!result.created) {
        out.stdout.write(`Lakeward home already exists at ${home}; nothing changed.\n`);
        return;
      }
      out.stdout.write(`Created a Lakeward home at ${home}\n`);
      out.stdout.write(`  warehouse: ${result.config.warehouse}\n`);
      out.stdout.write(`  metastore: ${result.config.metastore}\n`);
      if (result.config.governance.maskHashKey === undefined) {
        // Hashed values stay comparable only under the same key: it belongs in backups.
        out.stdout.write(
          `  mask key:  ${maskHashKeyFileOf(result.config)} (keep it with backups)\n`,
        );
      }
      if (result.adminToken) printAdminToken(out, result.adminToken.token);
    });
}

/** The only time the admin token is ever shown: the home keeps just its hash. */
export function printAdminToken(out: Output, token: string): void {
  out.stdout.write(
    `\nAdmin API token (shown only once, store it somewhere safe):\n\n  ${token}\n\n`,
  );
  out.stderr.write(
    'warning: this token cannot be shown again; if it is lost, create another with lakeward token create\n',
  );
}
