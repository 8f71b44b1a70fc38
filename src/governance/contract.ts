/** Who is calling: the outcome of authentication, passed to every use case. */
export interface Principal {
  id: string;
  name: string;
  kind: 'user' | 'service';
  isAdmin: boolean;
  /** How the caller proved who they are. */
  authMethod: 'token' | 'local';
}

export interface IssuedToken {
  /** Shown once; only its salted hash is stored. */
  token: string;
  id: string;
  name: string;
  expiresAt: string | null;
}

/** A token as listed: never its secret. */
export interface TokenInfo {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface Authenticator {
  /** Creates the admin principal and its first token on a new home; AlreadyExists if there is one. */
  bootstrapAdmin(name?: string): Promise<{ principal: Principal; token: IssuedToken }>;
  /** Verifies `Authorization: Bearer <token>`; Unauthenticated with a hint otherwise. */
  authenticate(bearerToken: string | undefined): Promise<Principal>;
  /** The principal the CLI acts as when it works directly on a home (the local admin). */
  localAdmin(): Promise<Principal>;
  issueToken(principalId: string, name: string, expiresAt?: Date): Promise<IssuedToken>;
  revokeToken(tokenId: string): Promise<void>;
  /** The principal's tokens, newest first (optional: added for `lakeward token list`). */
  listTokens?(principalId: string): Promise<TokenInfo[]>;
}
