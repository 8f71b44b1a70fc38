import { createHash } from 'node:crypto';
import { AlreadyExists, NotFound, Unauthenticated } from '../../errors/index.js';
import type { Metastore, TokenRecord } from '../../metastore/index.js';
import type { Authenticator, IssuedToken, Principal, TokenInfo } from '../contract.js';
import { toPrincipal } from './principal-record.js';
import { hashSecret, secretMatches } from './secret-hash.js';
import { formatToken, looksLikeJwt, newTokenParts, parseToken } from './token-format.js';

const DEFAULT_CACHE_TTL_MS = 5_000;

const HINT =
  'pass Authorization: Bearer <token>; lakeward init printed the admin token; create another with lakeward token create';

export interface TokenAuthenticatorOptions {
  /**
   * How long a verified token skips scrypt (default 5 s). The token's row is still read on
   * every call, so revocation, expiry and deletion of its principal (which deletes its tokens)
   * take effect at once, in this process or another one sharing the metastore; the cache only
   * keeps the principal's name and admin flag for at most this long.
   */
  cacheTtlMs?: number;
  now?: () => Date;
}

interface CachedVerification {
  tokenId: string;
  principal: Principal;
  verifiedUntil: number;
}

/** Bearer tokens `lw_<id>_<secret>`, stored as salted scrypt hashes in the metastore. */
export class TokenAuthenticator implements Authenticator {
  readonly #metastore: Pick<Metastore, 'principals' | 'tokens'>;
  readonly #cacheTtlMs: number;
  readonly #now: () => Date;
  /** Keyed by SHA-256 of the token so the token itself is never kept in memory maps. */
  readonly #verified = new Map<string, CachedVerification>();

  constructor(
    metastore: Pick<Metastore, 'principals' | 'tokens'>,
    options: TokenAuthenticatorOptions = {},
  ) {
    this.#metastore = metastore;
    this.#cacheTtlMs = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
    this.#now = options.now ?? (() => new Date());
  }

  async bootstrapAdmin(name = 'admin'): Promise<{ principal: Principal; token: IssuedToken }> {
    const admins = (await this.#metastore.principals.list()).filter((p) => p.isAdmin);
    if (admins.length > 0) {
      throw new AlreadyExists(
        'ADMIN_EXISTS',
        `This home already has an admin principal (${admins[0]!.name}).`,
        { hint: 'create another token with lakeward token create' },
      );
    }
    const record = await this.#metastore.principals.create({ name, kind: 'user', isAdmin: true });
    const token = await this.issueToken(record.id, 'bootstrap');
    return { principal: toPrincipal(record, 'token'), token };
  }

  async authenticate(bearerToken: string | undefined): Promise<Principal> {
    if (bearerToken === undefined || bearerToken.trim() === '') {
      throw new Unauthenticated('MISSING_TOKEN', 'This request needs an API token.', {
        hint: HINT,
      });
    }
    const token = bearerToken.trim();
    const parts = parseToken(token);
    if (!parts && looksLikeJwt(token)) {
      throw new Unauthenticated(
        'INVALID_TOKEN',
        'This server does not accept sign-in (JWT) tokens.',
        {
          hint: 'use a Lakeward API token, or configure single sign-on with auth.oidc',
          details: { check: 'oidc_not_configured' },
        },
      );
    }
    if (!parts) throw invalidToken();
    // Deleting a principal deletes its tokens (foreign-key cascade), so this lookup is also
    // what refuses a deleted principal's token while its verification is still cached.
    const record = await this.#metastore.tokens.get(parts.tokenId);
    if (!record) throw invalidToken();
    const principal = await this.#verify(token, parts.secret, record);
    // Checked on every call, cached or not, so a revocation or expiry takes effect at once.
    this.#checkUsable(record);
    return principal;
  }

  async #verify(token: string, secret: string, record: TokenRecord): Promise<Principal> {
    const key = sha256(token);
    const cached = this.#verified.get(key);
    if (cached && cached.tokenId === record.id && cached.verifiedUntil > Date.now()) {
      return { ...cached.principal };
    }
    this.#verified.delete(key);
    if (!(await secretMatches(secret, { hash: record.secretHash, salt: record.salt }))) {
      throw invalidToken();
    }
    const principalRecord = await this.#metastore.principals.get(record.principalId);
    if (!principalRecord) throw invalidToken();
    const principal = toPrincipal(principalRecord, 'token');
    this.#verified.set(key, {
      tokenId: record.id,
      principal,
      verifiedUntil: Date.now() + this.#cacheTtlMs,
    });
    await this.#metastore.tokens.touch(record.id, this.#now());
    return { ...principal };
  }

  async localAdmin(): Promise<Principal> {
    const admin = (await this.#metastore.principals.list()).find((p) => p.isAdmin);
    if (!admin) {
      throw new NotFound('ADMIN_NOT_FOUND', 'This home has no admin principal.', {
        hint: 'run lakeward init to create the home and its admin',
      });
    }
    return toPrincipal(admin, 'local');
  }

  async issueToken(principalId: string, name: string, expiresAt?: Date): Promise<IssuedToken> {
    const principal = await this.#metastore.principals.get(principalId);
    if (!principal) {
      throw new NotFound('PRINCIPAL_NOT_FOUND', `There is no principal with id ${principalId}.`);
    }
    const parts = newTokenParts();
    const { hash, salt } = await hashSecret(parts.secret);
    const record = await this.#metastore.tokens.create({
      id: parts.tokenId,
      principalId,
      name,
      secretHash: hash,
      salt,
      expiresAt: expiresAt ?? null,
    });
    return {
      token: formatToken(parts),
      id: record.id,
      name: record.name,
      expiresAt: record.expiresAt?.toISOString() ?? null,
    };
  }

  async revokeToken(tokenId: string): Promise<void> {
    const record = await this.#metastore.tokens.get(tokenId);
    if (!record) {
      throw new NotFound('TOKEN_NOT_FOUND', `There is no token with id ${tokenId}.`, {
        hint: 'list token ids with lakeward token list',
      });
    }
    await this.#metastore.tokens.revoke(tokenId);
    for (const [key, entry] of this.#verified) {
      if (entry.tokenId === tokenId) this.#verified.delete(key);
    }
  }

  async listTokens(principalId: string): Promise<TokenInfo[]> {
    const records = await this.#metastore.tokens.listFor(principalId);
    return records
      .map(toTokenInfo)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
  }

  #checkUsable(record: TokenRecord): void {
    if (record.revokedAt !== null) {
      throw new Unauthenticated('TOKEN_REVOKED', 'This API token has been revoked.', {
        hint: HINT,
      });
    }
    if (record.expiresAt !== null && record.expiresAt.getTime() <= this.#now().getTime()) {
      throw new Unauthenticated(
        'TOKEN_EXPIRED',
        `This API token expired at ${record.expiresAt.toISOString()}.`,
        { hint: HINT },
      );
    }
  }
}

function invalidToken(): Unauthenticated {
  return new Unauthenticated('INVALID_TOKEN', 'The API token is not valid.', { hint: HINT });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function toTokenInfo(record: TokenRecord): TokenInfo {
  return {
    id: record.id,
    name: record.name,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt?.toISOString() ?? null,
    revokedAt: record.revokedAt?.toISOString() ?? null,
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
  };
}
