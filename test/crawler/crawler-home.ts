import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createServices, initHome, type Services } from '../../src/app.js';
import type { Caller, Privilege, Securable } from '../../src/governance/index.js';

/** The shared real data, read in place (never copied into the repository). */
export const SHARED_DATA = path.resolve(process.cwd(), '../shared/data');

/**
 * A real home whose catalog.externalLocations allows the shared data and a temporary
 * landing folder (for tests that add and remove files), with its admin and users.
 */
export interface CrawlerHome {
  dir: string;
  /** A temporary folder inside the external locations, for copies of a few files. */
  landing: string;
  services: Services;
  admin: Caller;
  user(name: string): Promise<Caller>;
  grant(privileges: Privilege[], securable: Securable, to: Caller): Promise<void>;
  close(): Promise<void>;
}

export async function crawlerHome(): Promise<CrawlerHome> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-crawler-'));
  const landing = path.join(dir, 'landing');
  fs.mkdirSync(landing);
  const externalLocations = [pathToFileURL(SHARED_DATA).href, pathToFileURL(landing).href];
  const { config } = await initHome({ home: dir, env: {} });
  const services = await createServices({
    ...config,
    catalog: { ...config.catalog, externalLocations },
  });
  const admin: Caller = {
    principal: await services.auth.localAdmin(),
    context: { channel: 'cli' },
  };
  return {
    dir,
    landing,
    services,
    admin,
    async user(name) {
      const created = await services.directory.createPrincipal(admin, { name, kind: 'user' });
      const { token } = await services.auth.issueToken(created.id, 'test');
      const principal = await services.auth.authenticate(token);
      return { principal, context: { channel: 'api', requestId: `test-${name}` } };
    },
    async grant(privileges, securable, to) {
      const grantee = { kind: 'principal' as const, name: to.principal.name };
      await services.policies.grant(admin, { privileges, securable, grantee });
    },
    async close() {
      await services.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Copies some files of a shared folder into a folder of the landing area. */
export function copyInto(from: string, names: string[], to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const name of names) fs.copyFileSync(path.join(from, name), path.join(to, name));
}
