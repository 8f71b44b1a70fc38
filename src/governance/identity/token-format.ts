import { randomBytes, randomUUID } from 'node:crypto';

/** Tokens read `lw_<tokenId>_<secret>`; the id never holds `_`, the base64url secret may. */
const PREFIX = 'lw_';
const TOKEN_ID = /^[0-9a-f]{32}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export interface TokenParts {
  tokenId: string;
  secret: string;
}

export function newTokenParts(): TokenParts {
  return {
    tokenId: randomUUID().replaceAll('-', ''),
    secret: randomBytes(32).toString('base64url'),
  };
}

export function formatToken(parts: TokenParts): string {
  return `${PREFIX}${parts.tokenId}_${parts.secret}`;
}

/** The parts of a well-formed token, or undefined for anything else. */
export function parseToken(token: string): TokenParts | undefined {
  if (!token.startsWith(PREFIX)) return undefined;
  const rest = token.slice(PREFIX.length);
  const sep = rest.indexOf('_');
  if (sep < 0) return undefined;
  const tokenId = rest.slice(0, sep);
  const secret = rest.slice(sep + 1);
  if (!TOKEN_ID.test(tokenId) || !SECRET.test(secret)) return undefined;
  return { tokenId, secret };
}

/** Three base64url parts: what a compact JWS (an OIDC sign-in token) looks like. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}
