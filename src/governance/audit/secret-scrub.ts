/**
 * Credentials that must never reach the log, even inside free text such as an error
 * message that quoted a request header: bearer credentials and Lakeward tokens.
 */
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi;
const TOKEN = /\blw_[0-9a-f]{32}_[A-Za-z0-9_-]{43}/g;

export function withoutSecrets(text: string): string;
export function withoutSecrets(text: string | undefined): string | null;
export function withoutSecrets(text: string | undefined): string | null {
  if (text === undefined) return null;
  return text.replace(TOKEN, '[REDACTED]').replace(BEARER, 'Bearer [REDACTED]');
}
