import { readFile, stat } from 'node:fs/promises';
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { Unavailable } from '../../errors/index.js';

interface Loaded {
  /** mtime, size and inode: any key rotation that rewrites or replaces the file changes one. */
  stamp: string;
  getKey: JWTVerifyGetKey;
}

/**
 * A JWKS read from a local file and read again whenever the file changes, so keys can be
 * rotated by rewriting the file without restarting the server. One stat per verification.
 */
export function jwksFromFile(path: string): JWTVerifyGetKey {
  let loaded: Loaded | undefined;
  let loading: Promise<Loaded> | undefined;

  async function load(stamp: string): Promise<Loaded> {
    try {
      const jwks = JSON.parse(await readFile(path, 'utf8')) as JSONWebKeySet;
      return { stamp, getKey: createLocalJWKSet(jwks) };
    } catch (err) {
      throw unavailable(path, `cannot be read as a JSON Web Key Set (${(err as Error).message})`);
    }
  }

  return async (header, token) => {
    let stamp: string;
    try {
      const s = await stat(path);
      stamp = `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch (err) {
      throw unavailable(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (loaded?.stamp !== stamp) {
      // Concurrent requests after a change share one read of the file.
      loading ??= load(stamp).finally(() => (loading = undefined));
      loaded = await loading;
    }
    return loaded.getKey(header, token);
  };
}

function unavailable(path: string, problem: string): Unavailable {
  return new Unavailable('OIDC_JWKS_UNAVAILABLE', `The JWKS file ${path} ${problem}.`, {
    hint: 'point auth.oidc.jwksFile at the JSON Web Key Set your identity provider publishes ({"keys": [...]})',
  });
}
