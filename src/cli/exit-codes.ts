import { ErrorKind } from '../errors/index.js';

/** Exit status per error kind; docs/errors.md lists them for scripts. */
export const EXIT_CODE: Record<ErrorKind, number> = {
  [ErrorKind.internal]: 1,
  [ErrorKind.invalid]: 2,
  [ErrorKind.tooLarge]: 2,
  [ErrorKind.notFound]: 3,
  [ErrorKind.conflict]: 4,
  [ErrorKind.forbidden]: 5,
  [ErrorKind.unauthenticated]: 5,
  [ErrorKind.timeout]: 6,
  [ErrorKind.cancelled]: 6,
  [ErrorKind.unavailable]: 7,
  [ErrorKind.busy]: 7,
};

/** A command line that commander could not parse (unknown option, missing argument). */
export const USAGE_EXIT_CODE = 2;
