import { GIVEN_NAMES } from './given-names.js';

/** Jean-Luc, O'Brien, McDonald, Ångström: a capital, then letters with ' or - inside. */
const NAME_TOKEN = /^\p{Lu}[\p{L}'’-]*\p{Ll}[\p{L}'’-]*$|^\p{Lu}\.?$/u;
/** Particles that stay lower-case inside surnames (van der Berg, da Silva). */
const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'da', 'di', 'del', 'la', 'le', 'du']);

function tokensOf(value: string): string[] {
  return value.trim().split(/\s+/);
}

function isNameToken(token: string): boolean {
  return NAME_TOKEN.test(token) || PARTICLES.has(token);
}

/**
 * Looks like a capitalised name of one to four tokens. With a name hint (first_name,
 * customer_name…) that is enough; without one the first token must also be a common
 * given name, as capitalised words alone (cities, products) are no evidence.
 */
export function isPersonName(value: string, hinted: boolean): boolean {
  const tokens = tokensOf(value);
  if (tokens.length > 4 || value.length > 80) return false;
  if (!tokens.every(isNameToken) || PARTICLES.has(tokens[0] ?? '')) return false;
  if (hinted) return true;
  const first = (tokens[0] ?? '').toLowerCase();
  return tokens.length >= 2 && GIVEN_NAMES.has(first);
}
