import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TooLarge } from '../../errors/index.js';

/** How much of the start of a file is kept for content sniffing and text inspection. */
export const HEAD_BYTES = 64 * 1024;

/** What was learnt about a file while it streamed to disk. */
export interface ReceivedFile {
  localPath: string;
  sizeBytes: number;
  sha256: string;
  /** The first HEAD_BYTES bytes (fewer for a smaller file). */
  head: Buffer;
  /** Line feeds in the whole file: the line count of a text file without reading it twice. */
  lineFeeds: number;
  /** Whether the last byte was a line feed (a last line without one still counts). */
  endsWithLineFeed: boolean;
}

/**
 * Streams an upload to a local file, hashing, counting and sampling it on the way, so
 * no file is ever held whole in memory. Over maxBytes it stops, removes the partial
 * file and fails with VOLUME_FILE_TOO_LARGE.
 */
export async function receiveFile(
  source: Readable,
  localPath: string,
  maxBytes: number,
): Promise<ReceivedFile> {
  const hash = createHash('sha256');
  const headChunks: Buffer[] = [];
  let headSize = 0;
  let size = 0;
  let lineFeeds = 0;
  let last = -1;
  const watch = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) {
        done(
          new TooLarge(
            'VOLUME_FILE_TOO_LARGE',
            `The file is larger than the upload limit of ${maxBytes} bytes.`,
            { hint: 'Raise server.maxUploadBytes in lakeward.yaml, or split the file.' },
          ),
        );
        return;
      }
      hash.update(chunk);
      if (headSize < HEAD_BYTES) {
        const part = chunk.subarray(0, HEAD_BYTES - headSize);
        headChunks.push(Buffer.from(part));
        headSize += part.length;
      }
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lineFeeds++;
      if (chunk.length > 0) last = chunk[chunk.length - 1]!;
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, watch, createWriteStream(localPath, { flags: 'wx' }));
  } catch (err) {
    await rm(localPath, { force: true });
    throw err;
  }
  return {
    localPath,
    sizeBytes: size,
    sha256: hash.digest('hex'),
    head: Buffer.concat(headChunks),
    lineFeeds,
    endsWithLineFeed: last === 10,
  };
}
