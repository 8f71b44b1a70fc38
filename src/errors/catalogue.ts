/**
 * Every error a user can see, with a stable code. Each edge (HTTP, Iceberg REST,
 * PostgreSQL wire, CLI) maps the kind once; docs/errors.md lists the codes.
 */
export const ErrorKind = {
  invalid: 'invalid',
  notFound: 'not_found',
  conflict: 'conflict',
  forbidden: 'forbidden',
  unauthenticated: 'unauthenticated',
  unavailable: 'unavailable',
  tooLarge: 'too_large',
  /** The server is saturated right now; retry after the delay it gives. */
  busy: 'busy',
  timeout: 'timeout',
  cancelled: 'cancelled',
  internal: 'internal',
} as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];
