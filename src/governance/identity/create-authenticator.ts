import type { LakewardConfig } from '../../config/index.js';
import { AlreadyExists, Unauthenticated } from '../../errors/index.js';
import type { Metastore, PrincipalRecord } from '../../metastore/index.js';
import type { Authenticator, IssuedToken, Principal, TokenInfo } from '../contract.js';
import { OidcVerifier, type OidcConfig } from './oidc-verifier.js';
import { toPrincipal } from './principal-record.js';
import { TokenAuthenticator, type TokenAuthenticatorOptions } from './token-authenticator.js';
import { looksLikeJwt } from './token-format.js';

type Principals = Pick<Metastore, 'principals' | 'tokens'>;

/**
 * The authenticator the configuration asks for: API tokens (`lw_…`) always; JWTs of the
 * OpenID Connect issuer too when auth.oidc is set. `now` also drives JWT expiry checks.
 */
export function createAuthenticator(
  metastore: Principals,
  authConfig: LakewardConfig['auth'],
  options: TokenAuthenticatorOptions = {},
): Authenticator {
  const tokens = new TokenAuthenticator(metastore, options);
  const oidc = authConfig.oidc;
  if (oidc === undefined) return tokens;
  return new TokenOrOidcAuthenticator(metastore, tokens, oidc, options.now);
}

/** API tokens for everything but bearer JWTs, which the identity provider vouches for. */
class TokenOrOidcAuthenticator implements Authenticator {
  readonly #metastore: Principals;
  readonly #tokens: TokenAuthenticator;
  readonly #verifier: OidcVerifier;
  readonly #autoCreateUsers: boolean;

  constructor(
    metastore: Principals,
    tokens: TokenAuthenticator,
    config: OidcConfig,
    now?: () => Date,
  ) {
    this.#metastore = metastore;
    this.#tokens = tokens;
    this.#verifier = new OidcVerifier(config, now);
    this.#autoCreateUsers = config.autoCreateUsers;
  }

  async authenticate(bearerToken: string | undefined): Promise<Principal> {
    const token = bearerToken?.trim() ?? '';
    if (!looksLikeJwt(token)) return this.#tokens.authenticate(bearerToken);
    const identity = await this.#verifier.verify(token);
    const record = linkable(await this.#principalNamed(identity.username));
    return { ...toPrincipal(record, 'oidc'), externalGroups: identity.groups };
  }

  async #principalNamed(name: string): Promise<PrincipalRecord> {
    const existing = await this.#metastore.principals.getByName(name);
    if (existing) return existing;
    if (!this.#autoCreateUsers) {
      throw new Unauthenticated(
        'OIDC_USER_UNKNOWN',
        `There is no Lakeward principal named ${name}.`,
        {
          hint: `ask an admin to create it (lakeward principals create ${name}), or set auth.oidc.autoCreateUsers`,
        },
      );
    }
    try {
      return await this.#metastore.principals.create({ name, kind: 'user', isAdmin: false });
    } catch (err) {
      // Two first requests of one user at once: the other one created it.
      const raced =
        err instanceof AlreadyExists && (await this.#metastore.principals.getByName(name));
      if (raced) return raced;
      throw err;
    }
  }

  bootstrapAdmin(name?: string): ReturnType<Authenticator['bootstrapAdmin']> {
    return this.#tokens.bootstrapAdmin(name);
  }

  localAdmin(): Promise<Principal> {
    return this.#tokens.localAdmin();
  }

  issueToken(principalId: string, name: string, expiresAt?: Date): Promise<IssuedToken> {
    return this.#tokens.issueToken(principalId, name, expiresAt);
  }

  revokeToken(tokenId: string): Promise<void> {
    return this.#tokens.revokeToken(tokenId);
  }

  listTokens(principalId: string): Promise<TokenInfo[]> {
    return this.#tokens.listTokens(principalId);
  }
}

/**
 * Single sign-on only ever signs in user principals without admin rights: the identity
 * provider vouches for a name, and whoever controls a user there whose name equals an
 * admin or a service account here must not become it.
 */
function linkable(record: PrincipalRecord): PrincipalRecord {
  if (record.kind === 'user' && !record.isAdmin) return record;
  throw new Unauthenticated(
    'OIDC_PRINCIPAL_NOT_LINKABLE',
    `The sign-in token names ${record.name}, ${record.isAdmin ? 'an admin' : 'a service principal'}, which cannot sign in through single sign-on.`,
    {
      hint: 'single sign-on is for user principals; admins and service principals use API tokens (lakeward tokens create)',
    },
  );
}
