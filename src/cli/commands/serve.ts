import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createServices, initHome } from '../../app.js';
import { CONFIG_FILE, resolveHome, type LakewardConfig } from '../../config/index.js';
import { InvalidInput } from '../../errors/index.js';
import { startServer } from '../../server/index.js';
import type { Output } from '../output.js';
import { printAdminToken } from './init.js';
import { existingHomeConfig, type GlobalOptions } from '../session.js';

interface ServeOptions {
  host?: string;
  port?: string;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidInput('INVALID_PORT', `"${text}" is not a TCP port.`, {
      hint: 'Pass --port with a number from 0 to 65535.',
    });
  }
  return port;
}

export function registerServe(program: Command, out: Output): void {
  program
    .command('serve')
    .description('start the HTTP API (default 127.0.0.1:8080)')
    .option('--host <host>', 'address to listen on')
    .option('--port <port>', 'port to listen on')
    .action(async (options: ServeOptions, command: Command) => {
      const server = {
        ...(options.host ? { host: options.host } : {}),
        ...(options.port ? { port: parsePort(options.port) } : {}),
      };
      const config = await homeToServe(command.optsWithGlobals<GlobalOptions>(), { server }, out);
      const services = await createServices(config);
      let app;
      try {
        app = await startServer(services);
      } catch (err) {
        await services.close();
        throw err;
      }
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.server.port;
      out.stderr.write(
        `Lakeward is serving ${config.home} on http://${config.server.host}:${port} (Ctrl-C stops it)\n`,
      );
      await shutdownOnSignal();
      out.stderr.write('Stopping: finishing requests in flight…\n');
      await app.close();
      await services.close();
    });
}

/** `serve` on a fresh machine needs no init first: it creates the home on its defaults. */
async function homeToServe(
  globals: GlobalOptions,
  overrides: Record<string, unknown>,
  out: Output,
): Promise<LakewardConfig> {
  const home = resolveHome({ home: globals.home });
  if (!existsSync(join(home, CONFIG_FILE))) {
    const result = await initHome({ home, overrides: {} });
    out.stdout.write(`Created a Lakeward home at ${home}\n`);
    if (result.adminToken) printAdminToken(out, result.adminToken.token);
  }
  return existingHomeConfig(globals, overrides);
}

/** Resolves on the first SIGINT or SIGTERM, so in-flight requests can finish. */
function shutdownOnSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
