import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createServices, initHome, type Services } from '../../../src/app.js';
import type { Caller, Privilege, Securable } from '../../../src/governance/index.js';

/** ../shared/data, read in place. */
export const SHARED_DATA = path.resolve('../shared/data');

/**
 * A real home (SQLite, file warehouse) whose external locations are ../shared/data and
 * a scratch folder of the test's own (`landing`), with its admin and users.
 */
export interface ExternalHome {
  dir: string;
  /** An allowed folder the test may write raw files into. */
  landing: string;
  /** A folder outside every allowed location. */
  outside: string;
  services: Services;
  admin: Caller;
  user(name: string): Promise<Caller>;
  grant(privileges: Privilege[], securable: Securable, to: Caller): Promise<void>;
  /** Writes a raw file under landing (folders made as needed); returns its path. */
  write(relative: string, content: string | Buffer): string;
  close(): Promise<void>;
}

export async function externalHome(): Promise<ExternalHome> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-external-'));
  const landing = path.join(dir, 'landing');
  const outside = path.join(dir, 'outside');
  fs.mkdirSync(landing);
  fs.mkdirSync(outside);
  const externalLocations = [SHARED_DATA, pathToFileURL(landing).href];
  const { config } = await initHome({
    home: path.join(dir, 'home'),
    env: {},
    overrides: { catalog: { externalLocations } },
  });
  const services = await createServices(config);
  const admin: Caller = {
    principal: await services.auth.localAdmin(),
    context: { channel: 'cli' },
  };
  return {
    dir,
    landing,
    outside,
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
    write(relative, content) {
      const file = path.join(landing, relative);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      return file;
    },
    async close() {
      await services.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
