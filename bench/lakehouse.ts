import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices, initHome, type Services } from '../src/app.js';
import type { Caller } from '../src/governance/index.js';

export interface BenchLakehouse {
  home: string;
  services: Services;
  /** The home's admin, as the CLI acts on a home. */
  admin: Caller;
}

/** A fresh home on the embedded defaults (or the given metastore), as `lakeward init` makes it. */
export async function freshLakehouse(metastore?: string): Promise<BenchLakehouse> {
  const home = mkdtempSync(join(tmpdir(), 'lakeward-bench-'));
  const overrides = {
    logLevel: 'silent',
    ...(metastore === undefined ? {} : { metastore }),
  };
  const { config } = await initHome({ home, overrides });
  const services = await createServices(config);
  const principal = await services.auth.localAdmin();
  return { home, services, admin: { principal, context: { channel: 'cli' } } };
}
