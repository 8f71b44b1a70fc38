import { ErrorKind, asLakewardError } from '../errors/index.js';
import { EXIT_CODE } from './exit-codes.js';

export interface ErrorOutput {
  write(text: string): unknown;
}

/**
 * Prints `error: …` and `hint: …` and returns the exit code. Stack traces and causes
 * only with LAKEWARD_DEBUG=1: users see what went wrong and what to do, not our internals.
 */
export function reportError(err: unknown, stderr: ErrorOutput, debug: boolean): number {
  const error = asLakewardError(err);
  stderr.write(`error: ${error.message}\n`);
  if (error.hint) stderr.write(`hint: ${error.hint}\n`);
  if (error.kind === ErrorKind.internal) {
    stderr.write(
      `error id: ${error.errorId}${debug ? '' : ' (set LAKEWARD_DEBUG=1 for details)'}\n`,
    );
  }
  if (debug) {
    const cause = error.kind === ErrorKind.internal ? (error.cause ?? error) : error;
    stderr.write(`${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}\n`);
  }
  return EXIT_CODE[error.kind];
}
