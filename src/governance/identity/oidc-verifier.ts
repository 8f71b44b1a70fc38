import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { LakewardConfig } from '../../config/index.js';
import { LakewardError, Unauthenticated, Unavailable } from '../../errors/index.js';
import { normalizeIdentityName } from './identity-name.js';
import { jwksFromFile } from './jwks-file.js';

export type OidcConfig = NonNullable<LakewardConfig['auth']['oidc']>;

/** Asymmetric algorithms only: a shared-secret HS256 key would let anyone holding it mint users. */
const ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

/** Who a verified JWT says the caller is, in Lakeward's names. */
export interface OidcIdentity {
  username: string;
  /** The groups claim's strings, lower-cased; other values are ignored. */
  groups: string[];
}

/** Verifies JWTs of one OpenID Connect issuer: signature (JWKS), issuer, audience and lifetime. */
export class OidcVerifier {
  readonly #config: OidcConfig;
  readonly #keys: JWTVerifyGetKey;
  readonly #now: () => Date;

  constructor(config: OidcConfig, now: () => Date = () => new Date()) {
    this.#config = config;
    this.#now = now;
    this.#keys =
      config.jwksFile !== undefined
        ? jwksFromFile(config.jwksFile)
        : createRemoteJWKSet(new URL(config.jwksUrl!));
  }

  async verify(jwt: string): Promise<OidcIdentity> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(jwt, this.#keys, {
        issuer: this.#config.issuer,
        audience: this.#config.audience,
        algorithms: ALGORITHMS,
        currentDate: this.#now(),
        // A token without an expiry would be good forever once leaked.
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      throw this.#explain(err);
    }
    return { username: this.#username(payload), groups: this.#groups(payload) };
  }

  #username(payload: JWTPayload): string {
    const claim = this.#config.usernameClaim;
    const value = payload[claim];
    if (typeof value !== 'string' || value.trim() === '') {
      throw new Unauthenticated(
        'OIDC_CLAIM_MISSING',
        `The sign-in token has no "${claim}" claim to name the Lakeward user.`,
        {
          hint: `set auth.oidc.usernameClaim to the claim your identity provider puts the user name in (for example preferred_username or email)`,
        },
      );
    }
    const name = normalizeIdentityName(value);
    if (name === undefined) {
      throw new Unauthenticated(
        'OIDC_CLAIM_INVALID',
        `The "${claim}" claim of the sign-in token is not a valid Lakeward user name.`,
        {
          hint: 'user names are lower-case letters, digits and _ . - @; choose a claim that holds such a name with auth.oidc.usernameClaim',
        },
      );
    }
    return name;
  }

  #groups(payload: JWTPayload): string[] {
    const value = payload[this.#config.groupsClaim];
    if (!Array.isArray(value)) return [];
    const names = value
      .filter((g): g is string => typeof g === 'string')
      .map(normalizeIdentityName)
      .filter((g): g is string => g !== undefined);
    return [...new Set(names)].sort();
  }

  /** A Lakeward error that says which check failed, never echoing the token. */
  #explain(err: unknown): LakewardError {
    if (err instanceof LakewardError) return err;
    const { issuer, audience } = this.#config;
    const signIn = 'sign in again with the identity provider to get a fresh token';
    if (err instanceof errors.JWTExpired) {
      const exp =
        typeof err.payload.exp === 'number' ? new Date(err.payload.exp * 1000) : undefined;
      return new Unauthenticated(
        'TOKEN_EXPIRED',
        `The sign-in token expired${exp ? ` at ${exp.toISOString()}` : ''}.`,
        { hint: signIn },
      );
    }
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.claim === 'iss') {
        return invalid(
          'issuer',
          `was not issued by ${issuer}`,
          `use a token from ${issuer} (auth.oidc.issuer)`,
        );
      }
      if (err.claim === 'aud') {
        return invalid(
          'audience',
          `is not meant for this server (audience ${audience})`,
          `request a token for the audience ${audience} (auth.oidc.audience), e.g. the client id registered for Lakeward`,
        );
      }
      if (err.claim === 'nbf') {
        return invalid(
          'not_before',
          'is not valid yet',
          'check the clocks of this server and the identity provider',
        );
      }
      return invalid('claims', `has an unusable "${err.claim}" claim (${err.reason})`, signIn);
    }
    if (
      err instanceof errors.JWSSignatureVerificationFailed ||
      err instanceof errors.JWKSNoMatchingKey ||
      err instanceof errors.JWKSMultipleMatchingKeys
    ) {
      return invalid(
        'signature',
        `is not signed by a key of ${issuer}`,
        `use a token issued by ${issuer}; if its keys were rotated, update auth.oidc.jwksFile or jwksUrl`,
      );
    }
    if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
      return invalid(
        'algorithm',
        `is not signed with ${ALGORITHMS.join(', ')}`,
        `configure the identity provider to sign with ${ALGORITHMS.join(', ')}`,
      );
    }
    if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) {
      return invalid('format', 'is not a well-formed JWT', signIn);
    }
    // What remains is fetching or parsing the issuer's keys: not the caller's fault.
    return new Unavailable(
      'OIDC_JWKS_UNAVAILABLE',
      `The signing keys of ${issuer} could not be loaded.`,
      {
        hint: `check that auth.oidc.jwksUrl (${this.#config.jwksUrl ?? ''}) is reachable and serves a JSON Web Key Set`,
        cause: err,
      },
    );
  }
}

function invalid(check: string, problem: string, hint: string): Unauthenticated {
  return new Unauthenticated('INVALID_TOKEN', `The sign-in token ${problem}.`, {
    hint,
    details: { check },
  });
}
