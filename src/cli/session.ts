import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createServices, type Services } from '../app.js';
import { CONFIG_FILE, loadConfig, type LakewardConfig } from '../config/index.js';
import { NotFound } from '../errors/index.js';
import type { Principal } from '../governance/index.js';

/** Options every command inherits from the program. */
export interface GlobalOptions {
  home?: string;
}

export interface Session {
  services: Services;
  /** The CLI works directly on a home, as its local admin. */
  principal: Principal;
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

/** Opens the home's services for one command and always closes them afterwards. */
export async function withSession<T>(
  globals: GlobalOptions,
  run: (session: Session) => Promise<T>,
): Promise<T> {
  const config = existingHomeConfig(globals);
  const services = await createServices(config);
  try {
    const principal = await services.auth.localAdmin();
    return await run({ services, principal, config });
  } finally {
    await services.close();
  }
}
