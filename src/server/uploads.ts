import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { MultipartFile } from '@fastify/multipart';
import { TooLarge } from '../errors/index.js';

/** Files of one upload request, kept in their own folder until the request is answered. */
export class UploadFolder {
  readonly dir: string;
  /** Saved path → the name the client sent, to report results in the client's terms. */
  readonly originalNames = new Map<string, string>();

  constructor(uploadsRoot: string) {
    this.dir = join(uploadsRoot, randomUUID());
  }

  /** Streams one file part to disk; never buffers it whole. */
  async save(part: MultipartFile, maxBytes: number): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, this.#uniqueName(safeFileName(part.filename || 'upload')));
    await pipeline(part.file, createWriteStream(path, { flags: 'wx' }));
    if (part.file.truncated) {
      throw new TooLarge(
        'UPLOAD_TOO_LARGE',
        `The file "${part.filename}" is larger than the upload limit of ${maxBytes} bytes.`,
        { hint: 'Ingest it with the CLI on the server, or raise server.maxUploadBytes.' },
      );
    }
    this.originalNames.set(path, part.filename);
    return path;
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  #uniqueName(name: string): string {
    const taken = new Set([...this.originalNames.keys()].map((p) => basename(p)));
    if (!taken.has(name)) return name;
    let n = 2;
    while (taken.has(`${n}-${name}`)) n += 1;
    return `${n}-${name}`;
  }
}

/** Keeps the last path segment and only characters that are safe in every file system. */
export function safeFileName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  const cleaned = last
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, '')
    .slice(-200);
  return cleaned === '' ? 'upload' : cleaned;
}
