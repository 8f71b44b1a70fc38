import { InvalidInput } from '../errors/index.js';

/** `k=v` arguments into a map; the value may itself hold `=`. */
export function parseKeyValues(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new InvalidInput('INVALID_PROPERTY', `"${pair}" is not a key=value pair.`, {
        hint: 'Write properties as key=value, e.g. owner=data-team.',
      });
    }
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
