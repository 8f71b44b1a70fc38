import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LakewardConfig } from '../../../src/config/index.js';
import { createAuthenticator } from '../../../src/governance/identity/create-authenticator.js';
import { openMetastore, type Metastore } from '../../../src/metastore/index.js';
import { failure } from '../../failure.js';

const ISSUER = 'https://idp.example.com/realms/lake';
const AUDIENCE = 'lakeward';

interface SigningKey {
  privateKey: CryptoKey;
  jwk: JWK;
}

let dir: string;
let metastore: Metastore;
let now: Date;
let key: SigningKey;
let jwksFile: string;

async function signingKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

function writeJwks(file: string, ...keys: SigningKey[]): void {
  writeFileSync(file, JSON.stringify({ keys: keys.map((k) => k.jwk) }));
}

async function sign(
  claims: JWTPayload,
  opts: { with?: SigningKey; issuer?: string; audience?: string; expiresAt?: Date } = {},
): Promise<string> {
  const signer = opts.with ?? key;
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: signer.jwk.alg!, kid: signer.jwk.kid! })
    .setIssuer(opts.issuer ?? ISSUER)
    .setAudience(opts.audience ?? AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(opts.expiresAt ?? new Date(now.getTime() + 3600_000))
    .sign(signer.privateKey);
}

function oidcConfig(
  oidc: Partial<NonNullable<LakewardConfig['auth']['oidc']>> = {},
): LakewardConfig['auth'] {
  return {
    oidc: {
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksFile,
      usernameClaim: 'preferred_username',
      groupsClaim: 'groups',
      autoCreateUsers: true,
      ...oidc,
    },
  };
}

function authenticator(oidc?: Partial<NonNullable<LakewardConfig['auth']['oidc']>>) {
  return createAuthenticator(metastore, oidcConfig(oidc), { now: () => now });
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lakeward-oidc-'));
  metastore = await openMetastore(`sqlite:${path.join(dir, 'metastore.db')}`);
  now = new Date();
  key = await signingKey('key-1');
  jwksFile = path.join(dir, 'jwks.json');
  writeJwks(jwksFile, key);
});

afterEach(async () => {
  await metastore.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createAuthenticator with OIDC', () => {
  it('signs in a new user on first use, with the groups the identity provider asserts', async () => {
    const auth = authenticator();
    const jwt = await sign({
      preferred_username: 'alice@example.com',
      groups: ['marketing_team', 'Analysts', 42, { name: 'admins' }, 'analysts'],
    });
    const principal = await auth.authenticate(`${jwt}\n`);
    expect(principal).toMatchObject({
      name: 'alice@example.com',
      kind: 'user',
      isAdmin: false,
      authMethod: 'oidc',
      externalGroups: ['analysts', 'marketing_team'],
    });
    const stored = await metastore.principals.getByName('alice@example.com');
    expect(stored?.id).toBe(principal.id);
    // The second sign-in finds the same principal instead of creating another.
    const again = await auth.authenticate(await sign({ preferred_username: 'alice@example.com' }));
    expect(again).toMatchObject({ id: principal.id, externalGroups: [] });
    expect(await metastore.principals.list()).toHaveLength(1);
  });

  it('keeps accepting API tokens beside JWTs', async () => {
    const auth = authenticator();
    const { principal, token } = await auth.bootstrapAdmin();
    await expect(auth.authenticate(token.token)).resolves.toMatchObject({
      id: principal.id,
      authMethod: 'token',
    });
    expect((await auth.listTokens(principal.id)).map((t) => t.id)).toEqual([token.id]);
  });

  it('refuses an expired token, saying it expired', async () => {
    const auth = authenticator();
    const jwt = await sign(
      { preferred_username: 'alice' },
      { expiresAt: new Date(now.getTime() - 1000) },
    );
    const err = await failure(auth.authenticate(jwt));
    expect(err.code).toBe('TOKEN_EXPIRED');
    expect(err.message).toMatch(/expired at \d{4}-/);
    expect(err.hint).toContain('sign in again');
  });

  it.each([
    ['audience', { audience: 'another-app' }, 'lakeward'],
    ['issuer', { issuer: 'https://evil.example.com' }, ISSUER],
  ] as const)(
    'refuses a token with the wrong %s and names the expected one',
    async (check, opts, expected) => {
      const auth = authenticator();
      const jwt = await sign({ preferred_username: 'alice' }, opts);
      const err = await failure(auth.authenticate(jwt));
      expect(err.code).toBe('INVALID_TOKEN');
      expect(err.details).toEqual({ check });
      expect(err.hint).toContain(expected);
      expect(`${err.message} ${err.hint}`).not.toContain(jwt);
      expect(await metastore.principals.getByName('alice')).toBeUndefined();
    },
  );

  it('refuses tokens signed by a key the issuer does not publish', async () => {
    const auth = authenticator();
    const stranger = await signingKey('key-2');
    const impostor = await signingKey('key-1'); // claims the published key's id
    for (const signer of [stranger, impostor]) {
      const jwt = await sign({ preferred_username: 'alice' }, { with: signer });
      const err = await failure(auth.authenticate(jwt));
      expect(err.code).toBe('INVALID_TOKEN');
      expect(err.details).toEqual({ check: 'signature' });
      expect(err.message).not.toContain(jwt);
    }
  });

  it('refuses a shared-secret (HS256) token even if it names a published key', async () => {
    const auth = authenticator();
    const jwt = await new SignJWT({ preferred_username: 'alice' })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('a'.repeat(32)));
    const err = await failure(auth.authenticate(jwt));
    expect(err.code).toBe('INVALID_TOKEN');
    expect(err.details).toEqual({ check: 'algorithm' });
  });

  it('accepts ES256 and EdDSA keys too', async () => {
    const ec = await signingKey('ec', 'ES256');
    const ed = await signingKey('ed', 'EdDSA');
    writeJwks(jwksFile, key, ec, ed);
    const auth = authenticator();
    for (const signer of [ec, ed]) {
      const jwt = await sign({ preferred_username: 'bob' }, { with: signer });
      await expect(auth.authenticate(jwt)).resolves.toMatchObject({ name: 'bob' });
    }
  });

  it('refuses a token that never expires', async () => {
    const auth = authenticator();
    const jwt = await new SignJWT({ preferred_username: 'alice' })
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(key.privateKey);
    const err = await failure(auth.authenticate(jwt));
    expect(err.code).toBe('INVALID_TOKEN');
    expect(err.details).toEqual({ check: 'claims' });
    expect(err.message).toContain('"exp"');
  });

  it('refuses unknown users when autoCreateUsers is off, and signs in known ones', async () => {
    const auth = authenticator({ autoCreateUsers: false });
    const err = await failure(auth.authenticate(await sign({ preferred_username: 'carol' })));
    expect(err.code).toBe('OIDC_USER_UNKNOWN');
    expect(err.hint).toContain('principals create carol');
    expect(await metastore.principals.getByName('carol')).toBeUndefined();
    const carol = await metastore.principals.create({
      name: 'carol',
      kind: 'user',
      isAdmin: false,
    });
    await expect(auth.authenticate(await sign({ preferred_username: 'carol' }))).resolves.toEqual({
      id: carol.id,
      name: 'carol',
      kind: 'user',
      isAdmin: false,
      authMethod: 'oidc',
      externalGroups: [],
    });
  });

  it('never signs in as an admin or a service principal that has the claimed name', async () => {
    await metastore.principals.create({ name: 'root', kind: 'user', isAdmin: true });
    await metastore.principals.create({ name: 'etl', kind: 'service', isAdmin: false });
    for (const autoCreateUsers of [true, false]) {
      const auth = authenticator({ autoCreateUsers });
      for (const [name, what] of [
        ['root', 'an admin'],
        ['etl', 'a service principal'],
      ] as const) {
        const err = await failure(auth.authenticate(await sign({ preferred_username: name })));
        expect(err).toMatchObject({ code: 'OIDC_PRINCIPAL_NOT_LINKABLE', kind: 'unauthenticated' });
        expect(err.message).toContain(`${name}, ${what}`);
        expect(err.hint).toContain('single sign-on is for user principals');
      }
    }
    // Neither was changed nor duplicated by the attempts.
    expect((await metastore.principals.list()).map((p) => [p.name, p.kind, p.isAdmin])).toEqual([
      ['etl', 'service', false],
      ['root', 'user', true],
    ]);
  });

  it('reads the user name and groups from the configured claims', async () => {
    const auth = authenticator({ usernameClaim: 'email', groupsClaim: 'roles' });
    const jwt = await sign({
      email: 'Dan@Example.com',
      groups: ['ignored'],
      roles: ['gold_readers'],
    });
    await expect(auth.authenticate(jwt)).resolves.toMatchObject({
      name: 'dan@example.com',
      externalGroups: ['gold_readers'],
    });
    const missing = await failure(auth.authenticate(await sign({ preferred_username: 'dan' })));
    expect(missing.code).toBe('OIDC_CLAIM_MISSING');
    expect(missing.message).toContain('"email"');
    expect(missing.hint).toContain('auth.oidc.usernameClaim');
    const unusable = await failure(auth.authenticate(await sign({ email: 'dan o’brien' })));
    expect(unusable.code).toBe('OIDC_CLAIM_INVALID');
  });

  it('re-reads the JWKS file when the keys are rotated', async () => {
    const auth = authenticator();
    await expect(
      auth.authenticate(await sign({ preferred_username: 'erin' })),
    ).resolves.toBeDefined();
    const next = await signingKey('key-2');
    writeJwks(jwksFile, next);
    await expect(
      auth.authenticate(await sign({ preferred_username: 'erin' }, { with: next })),
    ).resolves.toMatchObject({ name: 'erin' });
    const old = await failure(auth.authenticate(await sign({ preferred_username: 'erin' })));
    expect(old.details).toEqual({ check: 'signature' });
  });

  it('reports an unreadable JWKS file as the server’s problem, not the caller’s', async () => {
    const auth = authenticator({ jwksFile: path.join(dir, 'missing.json') });
    const err = await failure(auth.authenticate(await sign({ preferred_username: 'alice' })));
    expect(err.code).toBe('OIDC_JWKS_UNAVAILABLE');
    expect(err.hint).toContain('auth.oidc.jwksFile');
  });

  it('tells a JWT caller when single sign-on is not configured', async () => {
    const auth = createAuthenticator(metastore, {}, { now: () => now });
    const err = await failure(auth.authenticate(await sign({ preferred_username: 'alice' })));
    expect(err.code).toBe('INVALID_TOKEN');
    expect(err.hint).toContain('auth.oidc');
  });
});

describe('createAuthenticator with a JWKS URL', () => {
  let server: Server;
  let jwksUrl: string;
  let requests = 0;

  beforeEach(async () => {
    requests = 0;
    server = createServer((req, res) => {
      requests += 1;
      if (req.url !== '/jwks') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [key.jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('verifies tokens against keys fetched from the issuer, fetching them once', async () => {
    const auth = authenticator({ jwksFile: undefined, jwksUrl, groupsClaim: 'groups' });
    const first = await auth.authenticate(
      await sign({ preferred_username: 'frank', groups: ['analysts'] }),
    );
    expect(first).toMatchObject({
      name: 'frank',
      authMethod: 'oidc',
      externalGroups: ['analysts'],
    });
    await auth.authenticate(await sign({ preferred_username: 'frank' }));
    expect(requests).toBe(1);
    const stranger = await signingKey('key-9');
    const err = await failure(
      auth.authenticate(await sign({ preferred_username: 'frank' }, { with: stranger })),
    );
    expect(err.details).toEqual({ check: 'signature' });
  });

  it('says the keys could not be loaded when the URL fails', async () => {
    const auth = authenticator({ jwksFile: undefined, jwksUrl: jwksUrl.replace('/jwks', '/nope') });
    const err = await failure(auth.authenticate(await sign({ preferred_username: 'frank' })));
    expect(err.code).toBe('OIDC_JWKS_UNAVAILABLE');
    expect(err.hint).toContain('/nope');
  });
});
