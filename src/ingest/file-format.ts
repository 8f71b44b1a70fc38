import { promises as fs } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InvalidInput } from '../errors/index.js';
import type { IngestFormat } from './contract.js';
import type { InputFile } from './input-files.js';

export const Compression = { none: 'none', gzip: 'gzip', zstd: 'zstd' } as const;
export type Compression = (typeof Compression)[keyof typeof Compression];

/** A file with what it holds and how it is packed, ready to be read. */
export interface TypedFile extends InputFile {
  format: IngestFormat;
  compression: Compression;
  /** The first line of a text file (undefined when it cannot be seen, e.g. zstd). */
  firstLine?: string;
  /** How a CSV file is written, once sniffed (see csv-dialect.ts). */
  dialect?: CsvDialect;
}

export interface CsvDialect {
  delim: string;
  quote: string;
  escape: string;
  header: boolean;
  skip: number;
}

const SUPPORTED = 'csv, tsv, json, ndjson, parquet (optionally .gz or .zst)';

const EXTENSIONS: Record<string, IngestFormat> = {
  csv: 'csv',
  txt: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  json: 'json',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  parquet: 'parquet',
  parq: 'parquet',
};

/** Formats people try that we name in the error, so they know it is not a typo. */
const KNOWN_UNSUPPORTED: Record<string, string> = {
  orc: 'ORC',
  avro: 'Avro',
  xls: 'Excel',
  xlsx: 'Excel',
  xml: 'XML',
  arrow: 'Arrow IPC',
  feather: 'Arrow IPC',
  zip: 'ZIP',
  bz2: 'bzip2',
  xz: 'xz',
};

const MAGIC = {
  parquet: Buffer.from('PAR1'),
  gzip: Buffer.from([0x1f, 0x8b]),
  zstd: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]),
  orc: Buffer.from('ORC'),
  avro: Buffer.from([0x4f, 0x62, 0x6a, 0x01]),
  zip: Buffer.from([0x50, 0x4b, 0x03, 0x04]),
};

/** How many leading bytes are checked for text-ness; enough to catch binary files early. */
const TEXT_PROBE_BYTES = 64 * 1024;

/**
 * Decides each file's format from its name (or the user's --format) and checks its
 * first bytes, so a wrong or empty file fails here, before anything is loaded.
 */
export async function detectFormat(file: InputFile, declared?: IngestFormat): Promise<TypedFile> {
  if (file.sizeBytes === 0) {
    throw new InvalidInput('EMPTY_FILE', `${file.path} is empty (0 bytes).`, {
      hint: 'Remove it from the command or re-export it; a CSV needs at least a header line.',
      details: { path: file.path },
    });
  }
  const head = await readHead(file.path, TEXT_PROBE_BYTES);
  const byName = fromName(file.path);
  const compression = compressionOf(head);
  const format = declared ?? byName.format ?? sniffFormat(head, compression, file.path);
  if (format === 'parquet') {
    if (!head.subarray(0, 4).equals(MAGIC.parquet)) {
      throw notA(file.path, 'Parquet', 'it does not start with the Parquet magic bytes PAR1');
    }
    return { ...file, format, compression };
  }
  checkText(file.path, head, compression);
  const line = firstLine(compression === Compression.gzip ? safeGunzip(head) : head, compression);
  return { ...file, format, compression, ...(line === undefined ? {} : { firstLine: line }) };
}

function firstLine(text: Buffer, compression: Compression): string | undefined {
  if (compression === Compression.zstd) return undefined;
  const end = text.indexOf(0x0a);
  return end < 0 ? undefined : text.subarray(0, end).toString('utf8');
}

function fromName(filePath: string): { format?: IngestFormat } {
  const parts = path.basename(filePath).toLowerCase().split('.').slice(1);
  if (['gz', 'gzip', 'zst', 'zstd'].includes(parts.at(-1) ?? '')) parts.pop();
  const ext = parts.at(-1);
  if (ext === undefined) return {};
  const unsupported = KNOWN_UNSUPPORTED[ext];
  if (unsupported !== undefined) throw unsupportedFormat(unsupported, filePath);
  return { format: EXTENSIONS[ext] };
}

/** The bytes decide: a file named .gz whose bytes are plain text was unpacked on the way. */
function compressionOf(head: Buffer): Compression {
  if (head.subarray(0, 2).equals(MAGIC.gzip)) return Compression.gzip;
  if (head.subarray(0, 4).equals(MAGIC.zstd)) return Compression.zstd;
  return Compression.none;
}

/** Content sniffing for names without a known extension. */
function sniffFormat(head: Buffer, compression: Compression, filePath: string): IngestFormat {
  if (head.subarray(0, 4).equals(MAGIC.parquet)) return 'parquet';
  if (head.subarray(0, 3).equals(MAGIC.orc)) throw unsupportedFormat('ORC', filePath);
  if (head.subarray(0, 4).equals(MAGIC.avro)) throw unsupportedFormat('Avro', filePath);
  if (head.subarray(0, 4).equals(MAGIC.zip)) throw unsupportedFormat('ZIP', filePath);
  const text = compression === Compression.gzip ? safeGunzip(head) : head;
  const first = text.toString('utf8').trimStart()[0];
  if (first === '[') return 'json';
  if (first === '{') return 'ndjson';
  if (compression === Compression.zstd) {
    throw new InvalidInput('UNKNOWN_FORMAT', `Cannot tell the format of ${filePath}.`, {
      hint: `Name the file with its format (e.g. data.csv.zst) or pass --format; supported: ${SUPPORTED}.`,
    });
  }
  return 'csv';
}

function checkText(filePath: string, head: Buffer, compression: Compression): void {
  // Compressed text is checked by DuckDB while reading; we only see packed bytes here.
  if (compression === Compression.zstd) return;
  const text = compression === Compression.gzip ? safeGunzip(head) : head;
  if (compression === Compression.none && head.subarray(0, 4).equals(MAGIC.parquet)) {
    throw notA(filePath, 'text', 'it is a Parquet file', 'Pass --format parquet.');
  }
  if (text.includes(0)) throw notA(filePath, 'text', 'it contains NUL bytes');
  // The probe may cut a multi-byte character at its end; only whole characters are judged.
  const whole = text.length === TEXT_PROBE_BYTES ? text.subarray(0, text.length - 4) : text;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(whole);
  } catch {
    throw notA(filePath, 'text', 'it is not valid UTF-8 text');
  }
}

/** Gunzips what the probe holds; a truncated stream still yields its leading bytes. */
function safeGunzip(head: Buffer): Buffer {
  try {
    return gunzipSync(head, { finishFlush: 2 /* Z_SYNC_FLUSH */ }).subarray(0, TEXT_PROBE_BYTES);
  } catch {
    return Buffer.alloc(0);
  }
}

async function readHead(filePath: string, bytes: number): Promise<Buffer> {
  const handle = await fs.open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export function unsupportedFormat(name: string, filePath: string): InvalidInput {
  return new InvalidInput(
    'UNSUPPORTED_FORMAT',
    `${name} files are not supported yet; supported: ${SUPPORTED}. (${filePath})`,
    {
      hint: `Convert the file to Parquet or CSV first, or leave it out of the command.`,
      details: { path: filePath, format: name },
    },
  );
}

function notA(filePath: string, what: string, why: string, hint?: string): InvalidInput {
  const code = what === 'text' ? 'NOT_A_TEXT_FILE' : 'INVALID_FILE';
  return new InvalidInput(code, `${filePath} is not a ${what} file: ${why}.`, {
    hint:
      hint ??
      `Check that the file is what its name says; supported formats: ${SUPPORTED}. Pass --format if the name is misleading.`,
    details: { path: filePath },
  });
}
