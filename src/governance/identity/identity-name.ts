import { InvalidInput } from '../../errors/index.js';
import { ALL_USERS_GROUP } from '../contract.js';

/**
 * Principal and group names: lower case so `Alice` and `alice` can never be two grantees;
 * `.`, `-` and `@` are allowed so e-mail addresses and identity-provider names fit.
 */
const NAME = /^[a-z0-9_][a-z0-9_.@-]{0,127}$/;

export type IdentityKind = 'principal' | 'group';

/** The name unchanged, or InvalidInput saying what a name may hold. */
export function checkIdentityName(name: string, kind: IdentityKind): string {
  if (typeof name === 'string' && NAME.test(name)) return name;
  const lower = typeof name === 'string' ? name.toLowerCase() : '';
  const suggestion = lower !== name && NAME.test(lower) ? ` (for example "${lower}")` : '';
  throw new InvalidInput('INVALID_NAME', `"${String(name)}" is not a valid ${kind} name.`, {
    hint:
      'use 1 to 128 lower-case letters, digits and _ . - @, starting with a letter, digit or _' +
      suggestion,
  });
}

/** all_users holds every principal implicitly; it cannot be created, deleted or given members. */
export function refuseReserved(name: string, doing: string): void {
  if (name === ALL_USERS_GROUP) {
    throw new InvalidInput(
      'RESERVED_NAME',
      `Cannot ${doing} ${ALL_USERS_GROUP}: the name is reserved.`,
      {
        hint: `${ALL_USERS_GROUP} always holds every principal; grant to it directly, or use another name`,
      },
    );
  }
}

/** Identity-provider names in Lakeward's form (lower case), or undefined when they cannot be one. */
export function normalizeIdentityName(name: string): string | undefined {
  const lower = name.trim().toLowerCase();
  return NAME.test(lower) ? lower : undefined;
}
