import { Busy, Conflict, InvalidInput, TooLarge, Unavailable } from '../../../errors/index.js';

/** The typed errors of a stream's write-ahead log, in one place so codes and hints stay consistent. */
export const logErrors = {
  corrupt(file: string, offset: number, why: string): Unavailable {
    return new Unavailable(
      'STREAM_LOG_CORRUPT',
      `The stream's write-ahead log is damaged: ${file} at byte ${offset} (${why}). ` +
        'Records after that point were acknowledged to producers, so the log refuses to open rather than drop them.',
      {
        hint:
          `Restore the folder from a backup, or accept losing the records from that point on: ` +
          `truncate -s ${offset} '${file}' and delete the segment files after it, then start the stream again.`,
        details: { file, offset },
      },
    );
  },
  locked(dir: string, pid: number): Conflict {
    return new Conflict(
      'STREAM_LOG_LOCKED',
      `The stream's write-ahead log ${dir} is in use by another process (pid ${pid}).`,
      {
        hint: 'Only one server may run a stream. Stop the other process, or point this one at another home.',
        details: { dir, pid },
      },
    );
  },
  full(usedBytes: number, quotaBytes: number, retryAfterSeconds: number): Busy {
    return new Busy(
      'STREAM_LOG_FULL',
      `The stream's log is full (${usedBytes} of ${quotaBytes} bytes): the committer is behind. Retry in ${retryAfterSeconds} s.`,
      retryAfterSeconds,
      {
        hint: 'Send more slowly, check that the stream is running (not paused or failed), or raise its log quota.',
        details: { usedBytes, quotaBytes },
      },
    );
  },
  entryTooLarge(bytes: number, quotaBytes: number): TooLarge {
    return new TooLarge(
      'STREAM_LOG_ENTRY_TOO_LARGE',
      `The request holds ${bytes} bytes, more than the stream's whole log quota (${quotaBytes} bytes).`,
      {
        hint: 'Send the records in smaller requests, or raise the stream log quota.',
        details: { bytes, quotaBytes },
      },
    );
  },
  emptyEntry(): InvalidInput {
    return new InvalidInput('STREAM_LOG_EMPTY_ENTRY', 'The request holds no records.', {
      hint: 'Send at least one JSON object.',
    });
  },
  keyTooLong(bytes: number, max: number): InvalidInput {
    return new InvalidInput(
      'STREAM_LOG_KEY_TOO_LONG',
      `The idempotency key is ${bytes} bytes long; at most ${max} are allowed.`,
      { hint: 'Use a shorter key, e.g. a UUID or a hash of the request.' },
    );
  },
  releaseAhead(sequence: string, last: string): InvalidInput {
    return new InvalidInput(
      'STREAM_LOG_RELEASE_AHEAD',
      `Cannot release the log up to sequence ${sequence}: the newest record is ${last}.`,
      { hint: 'Release only sequences that were read from the log and committed.' },
    );
  },
  closed(dir: string): Unavailable {
    return new Unavailable('STREAM_LOG_CLOSED', `The stream's write-ahead log ${dir} is closed.`, {
      hint: 'The stream is stopping; retry once it runs again.',
    });
  },
  failed(dir: string, cause: unknown): Unavailable {
    return new Unavailable(
      'STREAM_LOG_WRITE_FAILED',
      `Writing the stream's write-ahead log ${dir} failed; the records were not accepted.`,
      {
        hint: 'Check the disk (space, permissions) and retry; the server log has the details.',
        cause,
      },
    );
  },
};
