import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenAuthenticator } from '../../../src/governance/identity/token-authenticator.js';
import { openMetastore, type Metastore } from '../../../src/metastore/index.js';
import { failure } from '../../failure.js';

let metastore: Metastore;
let now: Date;
let auth: TokenAuthenticator;

beforeEach(async () => {
  metastore = await openMetastore('sqlite::memory:');
  now = new Date('2026-01-01T00:00:00Z');
  auth = new TokenAuthenticator(metastore, { now: () => now });
});

afterEach(async () => {
  await metastore.close();
});

describe('TokenAuthenticator', () => {
  it('bootstraps one admin whose token authenticates as that admin', async () => {
    const { principal, token } = await auth.bootstrapAdmin();
    expect(token.token).toMatch(/^lw_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    const caller = await auth.authenticate(token.token);
    expect(caller).toEqual({ ...principal, authMethod: 'token' });
    expect(caller.isAdmin).toBe(true);
    expect((await failure(auth.bootstrapAdmin())).code).toBe('ADMIN_EXISTS');
  });

  it('stores a salted hash, never the token or its secret', async () => {
    const { principal, token } = await auth.bootstrapAdmin();
    const [stored] = await metastore.tokens.listFor(principal.id);
    const secret = token.token.split('_').slice(2).join('_');
    expect(stored!.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored!.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(stored)).not.toContain(secret);
    const other = await auth.issueToken(principal.id, 'second');
    const records = await metastore.tokens.listFor(principal.id);
    const otherRecord = records.find((r) => r.id === other.id)!;
    expect(otherRecord.salt).not.toBe(stored!.salt);
  });

  it('refuses missing, malformed, unknown and tampered tokens with a hint', async () => {
    const { token } = await auth.bootstrapAdmin();
    const missing = await failure(auth.authenticate(undefined));
    expect(missing.code).toBe('MISSING_TOKEN');
    expect(missing.hint).toContain('Authorization: Bearer');
    expect((await failure(auth.authenticate('not-a-token'))).code).toBe('INVALID_TOKEN');
    const unknown = `lw_${'0'.repeat(32)}_${'A'.repeat(43)}`;
    expect((await failure(auth.authenticate(unknown))).code).toBe('INVALID_TOKEN');
    const last = token.token.at(-1) === 'A' ? 'B' : 'A';
    const tampered = `${token.token.slice(0, -1)}${last}`;
    expect((await failure(auth.authenticate(tampered))).code).toBe('INVALID_TOKEN');
  });

  it('stops accepting a token once revoked, even one verified a moment ago', async () => {
    const { token } = await auth.bootstrapAdmin();
    await auth.authenticate(token.token);
    await auth.revokeToken(token.id);
    expect((await failure(auth.authenticate(token.token))).code).toBe('TOKEN_REVOKED');
  });

  it('honours revocation by another process while the token is cached', async () => {
    const { token } = await auth.bootstrapAdmin();
    await auth.authenticate(token.token);
    await metastore.tokens.revoke(token.id);
    expect((await failure(auth.authenticate(token.token))).code).toBe('TOKEN_REVOKED');
  });

  it("refuses a deleted principal's token at once, even while its verification is cached", async () => {
    const cached = new TokenAuthenticator(metastore, { cacheTtlMs: 3_600_000 });
    await cached.bootstrapAdmin();
    const user = await metastore.principals.create({
      name: 'leaver',
      kind: 'user',
      isAdmin: false,
    });
    const issued = await cached.issueToken(user.id, 'laptop');
    await expect(cached.authenticate(issued.token)).resolves.toMatchObject({ name: 'leaver' });
    // Deleted by another process sharing the metastore (the CLI while a server runs).
    await metastore.principals.delete(user.id);
    expect((await failure(cached.authenticate(issued.token))).code).toBe('INVALID_TOKEN');
  });

  it('stops accepting a token after it expires', async () => {
    const { principal } = await auth.bootstrapAdmin();
    const issued = await auth.issueToken(principal.id, 'ci', new Date('2026-01-02T00:00:00Z'));
    expect(issued.expiresAt).toBe('2026-01-02T00:00:00.000Z');
    await expect(auth.authenticate(issued.token)).resolves.toMatchObject({ id: principal.id });
    now = new Date('2026-01-02T00:00:01Z');
    expect((await failure(auth.authenticate(issued.token))).code).toBe('TOKEN_EXPIRED');
  });

  it('lists tokens without secrets and records when they were last used', async () => {
    const { principal, token } = await auth.bootstrapAdmin();
    await auth.authenticate(token.token);
    const [listed] = await auth.listTokens(principal.id);
    expect(listed).toMatchObject({ id: token.id, name: 'bootstrap', revokedAt: null });
    expect(listed!.lastUsedAt).toBe(now.toISOString());
    expect(JSON.stringify(listed)).not.toContain(token.token);
  });

  it('gives the CLI the local admin, and says how to create one when there is none', async () => {
    expect((await failure(auth.localAdmin())).code).toBe('ADMIN_NOT_FOUND');
    const { principal } = await auth.bootstrapAdmin('root');
    await expect(auth.localAdmin()).resolves.toEqual({ ...principal, authMethod: 'local' });
  });

  it('revoking an unknown token id is a not-found error', async () => {
    expect((await failure(auth.revokeToken('nope'))).code).toBe('TOKEN_NOT_FOUND');
  });
});
