import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createServices, type Services } from '../app.js';
import { CONFIG_FILE, loadConfig, tokenFromEnv, type LakewardConfig } from '../config/index.js';
import { ErrorKind, NotFound, asLakewardError } from '../errors/index.js';
import type { AuditEventInput, Caller, Principal } from '../governance/index.js';
import { EXIT_CODE } from './exit-codes.js';

/** Options every command inherits from the program. */
export interface GlobalOptions {
  home?: string;
}

export interface Session {
  services: Services;
  /**
   * The CLI works directly on a home as its local admin, or, with LAKEWARD_TOKEN set,
   * as that token's principal (checked like an API call).
   */
  principal: Principal;
  /** The principal with the CLI's request context: what governed use cases take. */
  caller: Caller;
  config: LakewardConfig;
}

/** The configuration of an existing home; a missing home is an error that says how to make one. */
export function existingHomeConfig(
  globals: GlobalOptions,
  overrides?: Record<string, unknown>,
): LakewardConfig {
  const config = loadConfig({ home: globals.home, overrides });
  if (!existsSync(join(config.home, CONFIG_FILE))) {
    throw new NotFound('HOME_NOT_FOUND', `There is no Lakeward home at ${config.home}.`, {
      hint: 'Create one with lakeward init (or pass --home DIR / set LAKEWARD_HOME).',
    });
  }
  return config;
}

let commandPath = 'unknown';

/** The command being run, e.g. `table drop`, for its audit event; main's preAction hook sets it. */
export function setCommandPath(path: string): void {
  commandPath = path;
}

/** Opens the home's services for one command and always closes them afterwards. */
export async function withSession<T>(
  globals: GlobalOptions,
  run: (session: Session) => Promise<T>,
): Promise<T> {
  const config = existingHomeConfig(globals);
  const services = await createServices(config);
  const started = performance.now();
  let caller: Caller | undefined;
  try {
    const token = tokenFromEnv();
    const principal =
      token === undefined
        ? await services.auth.localAdmin()
        : await services.auth.authenticate(token);
    caller = { principal, context: { channel: 'cli', requestId: randomUUID() } };
    const result = await run({ services, principal, caller, config });
    await recordAction(services, caller, started, undefined);
    return result;
  } catch (err) {
    await recordAction(services, caller, started, err);
    throw err;
  } finally {
    await services.close();
  }
}

/**
 * One audit event per command on a home (`cli table drop`) with its exit status:
 * refusals are denials, other failures errors. A command that did its work does not
 * fail because its record could not be written; it says so on stderr.
 */
async function recordAction(
  services: Services,
  caller: Caller | undefined,
  started: number,
  err: unknown,
): Promise<void> {
  const error = err === undefined ? undefined : asLakewardError(err);
  const refused = error?.kind === ErrorKind.forbidden || error?.kind === ErrorKind.unauthenticated;
  const input: AuditEventInput = {
    ...(caller === undefined ? { context: { channel: 'cli' } } : { caller }),
    action: `cli ${commandPath}`,
    decision: error === undefined ? 'allow' : refused ? 'deny' : 'error',
    ...(error === undefined ? {} : { reason: `${error.code}: ${error.message}` }),
    status: error === undefined ? 0 : EXIT_CODE[error.kind],
    durationMs: Math.round(performance.now() - started),
  };
  try {
    await services.audit.record(input);
  } catch (recordErr) {
    process.stderr.write(
      `warning: could not record this command in the audit log: ${asLakewardError(recordErr).message}\n`,
    );
  }
}
