import { InvalidInput } from '../../errors/index.js';

const IDENTIFIER = /^[A-Za-z0-9_.-]{1,128}$/;

/** Tag keys, tag values and filter names: letters, digits, '_', '-' and '.', at most 128. */
export function requireIdentifier(what: string, code: string, value: string): void {
  if (IDENTIFIER.test(value)) return;
  throw new InvalidInput(code, `The ${what} "${value}" is not a valid name.`, {
    hint: `A ${what} is 1 to 128 letters, digits, '_', '-' or '.'.`,
  });
}
