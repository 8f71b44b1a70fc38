import { randomUUID } from 'node:crypto';
import { ErrorKind } from './catalogue.js';

export interface ErrorDetails {
  /** What the user can do about it. */
  hint?: string;
  /** Structured facts for machines (column, file, position, …). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** Base of every error Lakeward reports to a user. */
export class LakewardError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  /** Correlates the user's message with the server log. */
  readonly errorId: string = randomUUID();

  constructor(kind: ErrorKind, code: string, message: string, extra: ErrorDetails = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.code = code;
    this.hint = extra.hint;
    this.details = extra.details;
  }
}

export class InvalidInput extends LakewardError {
  constructor(code: string, message: string, extra?: ErrorDetails) {
    super(ErrorKind.invalid, code, message, extra);
  }
}

export class NotFound extends LakewardError {
  constructor(code: string, message: string, extra?: ErrorDetails) {
    super(ErrorKind.notFound, code, message, extra);
  }
}

export class AlreadyExists extends LakewardError {
  constructor(code: string, message: string, extra?: ErrorDetails) {
    super(ErrorKind.conflict, code, message, extra);
  }
}

export class Conflict extends LakewardError {
  constructor(code: string, message: string, extra?: ErrorDetails) {
    super(ErrorKind.conflict, code, message, extra);
  }
}

export class PermissionDenied extends LakewardError {
  constructor(code: string, message: string, extra?: ErrorDetails) {
    super(ErrorKind.forbidden, code, message, extra);
  }
}

export class Unauthenticated extends LakewardError {
  constructor(code: string, message: string, extra?: ErrorDetails) {
    super(ErrorKind.unauthenticated, code, message, extra);
  }
}

export class Unavailable extends LakewardError {
  constructor(code: string, message: string, extra?: ErrorDetails) {
    super(ErrorKind.unavailable, code, message, extra);
  }
}

export class TooLarge extends LakewardError {
  constructor(code: string, message: string, extra?: ErrorDetails) {
    super(ErrorKind.tooLarge, code, message, extra);
  }
}

/** Slow down: a quota is full for now (HTTP 429 with Retry-After). */
export class Busy extends LakewardError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
    extra?: ErrorDetails,
  ) {
    super(ErrorKind.busy, code, message, extra);
  }
}

export class QueryTimeout extends LakewardError {
  constructor(message: string, extra?: ErrorDetails) {
    super(ErrorKind.timeout, 'QUERY_TIMEOUT', message, extra);
  }
}

export class Cancelled extends LakewardError {
  constructor(message: string, extra?: ErrorDetails) {
    super(ErrorKind.cancelled, 'CANCELLED', message, extra);
  }
}

export class InternalError extends LakewardError {
  constructor(message: string, extra?: ErrorDetails) {
    super(ErrorKind.internal, 'INTERNAL', message, extra);
  }
}

/** Anything thrown that is not ours becomes an internal error; its text stays in the log only. */
export function asLakewardError(err: unknown): LakewardError {
  if (err instanceof LakewardError) return err;
  return new InternalError('An internal error occurred; the server log has the details.', {
    cause: err,
  });
}
