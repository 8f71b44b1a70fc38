import { open } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import avro from 'avsc';
import { fileTypeFromBuffer } from 'file-type';
import type { FoundFile } from './discovery.js';

export type DataFormat = 'csv' | 'tsv' | 'json' | 'ndjson' | 'parquet';
export type Compression = 'none' | 'gzip' | 'zstd';

/** What a file is, from its first bytes (its name only where the bytes cannot tell). */
export type FileClass =
  | {
      kind: 'data';
      format: DataFormat;
      compression: Compression;
      /** The decompressed head of a text file (empty for Parquet and zstd). */
      head: Buffer;
      /** How many bytes of the file the head came from. */
      headInputBytes: number;
      /** Names the columns, for grouping files with the same ones (Parquet: from the footer). */
      columnKey: string;
    }
  /** Recognised, but external tables cannot read it (Avro): reported with the reason. */
  | { kind: 'not_registrable'; classification: string; reason: string }
  | { kind: 'unclassified'; reason: string };

const HEAD_BYTES = 64 * 1024;

const MAGIC = {
  parquet: Buffer.from('PAR1'),
  orc: Buffer.from('ORC'),
  avro: Buffer.from([0x4f, 0x62, 0x6a, 0x01]),
  gzip: Buffer.from([0x1f, 0x8b]),
  zstd: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]),
  zip: Buffer.from([0x50, 0x4b, 0x03, 0x04]),
};

const TEXT_EXTENSIONS: Record<string, DataFormat> = {
  csv: 'csv',
  txt: 'csv',
  dat: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  json: 'json',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
};

const CONVERT = 'convert it to Parquet (or CSV/JSON) to crawl it';

export async function classify(file: FoundFile): Promise<FileClass> {
  if (file.sizeBytes === 0) return { kind: 'unclassified', reason: 'the file is empty' };
  const head = await readHead(file.path);
  const starts = (magic: Buffer) => head.subarray(0, magic.length).equals(magic);
  if (starts(MAGIC.parquet)) {
    return {
      kind: 'data',
      format: 'parquet',
      compression: 'none',
      head: Buffer.alloc(0),
      headInputBytes: 0,
      columnKey: '',
    };
  }
  if (starts(MAGIC.orc))
    return { kind: 'unclassified', reason: `ORC is not supported: ${CONVERT}` };
  if (starts(MAGIC.avro)) return avroClass(file.path);
  if (starts(MAGIC.zip)) {
    return {
      kind: 'unclassified',
      reason: 'ZIP archives are not read: unpack them into the folder',
    };
  }
  if (starts(MAGIC.zstd)) return zstdClass(file);
  const compression: Compression = starts(MAGIC.gzip) ? 'gzip' : 'none';
  const text = compression === 'gzip' ? gunzipHead(head) : head;
  if (text.includes(0) || !isUtf8(text)) return binaryClass(head, compression);
  const format = textFormat(text, extensionOf(file.rel));
  if (typeof format !== 'string') return format;
  return {
    kind: 'data',
    format,
    compression,
    head: text,
    headInputBytes: head.length,
    columnKey: columnKeyOf(text, format),
  };
}

/** JSON by its first character, else delimited text whose first two lines agree. */
function textFormat(text: Buffer, extension: string | undefined): DataFormat | FileClass {
  const content = text.toString('utf8').replace(/^\uFEFF/, '');
  const first = content.trimStart()[0];
  if (first === '[') return 'json';
  if (first === '{') return isJsonObject(firstLine(content)) ? 'ndjson' : 'json';
  if (first === '<') {
    return { kind: 'unclassified', reason: `XML/HTML is not supported: ${CONVERT}` };
  }
  const [line1 = '', line2] = content.split(/\r?\n/, 2);
  const delimiter = delimiterOf(line1);
  const tabular = delimiter !== undefined && (line2 === undefined || count(line2, delimiter) > 0);
  if (!tabular) {
    return {
      kind: 'unclassified',
      reason: 'text without a delimiter (, ; | or tab) repeated on its lines: not CSV or TSV',
    };
  }
  if (extension !== undefined && TEXT_EXTENSIONS[extension] === 'tsv') return 'tsv';
  return delimiter === '\t' ? 'tsv' : 'csv';
}

/**
 * The column names a file starts with, lower-cased, so files with the same columns in
 * the same format group together; Parquet keys come from the footers later.
 */
function columnKeyOf(text: Buffer, format: DataFormat): string {
  const content = text.toString('utf8').replace(/^\uFEFF/, '');
  if (format === 'ndjson') {
    const row = JSON.parse(firstLine(content)) as Record<string, unknown>;
    return Object.keys(row)
      .map((k) => k.toLowerCase())
      .sort()
      .join('\u001f');
  }
  if (format === 'json') return '';
  const line = firstLine(content);
  const fields = line.split(delimiterOf(line) ?? ',').map((f) => f.trim().replace(/^"|"$/g, ''));
  // A first line of values (no header) only tells how many columns there are.
  if (fields.some((f) => f !== '' && !Number.isNaN(Number(f)))) return `#${fields.length}`;
  return fields
    .map((f) => f.toLowerCase())
    .sort()
    .join('\u001f');
}

async function avroClass(filePath: string): Promise<FileClass> {
  const fields = await new Promise<string[]>((resolve) => {
    const decoder = avro.createFileDecoder(filePath);
    decoder.on('metadata', (type: avro.Type) => {
      const record = type as avro.Type & { fields?: { name: string }[] };
      resolve((record.fields ?? []).map((f) => f.name));
      decoder.destroy();
    });
    decoder.on('error', () => resolve([]));
  });
  const columns = fields.length === 0 ? '' : ` (columns ${fields.join(', ')})`;
  return {
    kind: 'not_registrable',
    classification: 'avro',
    reason: `Avro${columns} is recognised but external tables cannot read it yet: ${CONVERT}`,
  };
}

/** zstd cannot be unpacked here (Node 20): the name says what is inside, DuckDB reads it. */
function zstdClass(file: FoundFile): FileClass {
  const inner = extensionOf(file.rel.replace(/\.(zst|zstd)$/i, ''));
  const format = inner === undefined ? undefined : (TEXT_EXTENSIONS[inner] ?? undefined);
  if (format === undefined) {
    return {
      kind: 'unclassified',
      reason: 'zstd-compressed file whose name does not say what it holds (e.g. data.csv.zst)',
    };
  }
  return {
    kind: 'data',
    format,
    compression: 'zstd',
    head: Buffer.alloc(0),
    headInputBytes: 0,
    columnKey: '',
  };
}

async function binaryClass(head: Buffer, compression: Compression): Promise<FileClass> {
  const type = await fileTypeFromBuffer(head);
  const what =
    type === undefined ? 'binary content of an unknown type' : `${type.mime} (.${type.ext})`;
  const packed = compression === 'gzip' ? 'gzip-compressed ' : '';
  return {
    kind: 'unclassified',
    reason: `${packed}${what} is not tabular data: keep such files in a volume, not a table`,
  };
}

function gunzipHead(head: Buffer): Buffer {
  try {
    return gunzipSync(head, { finishFlush: 2 /* Z_SYNC_FLUSH: a cut stream yields its start */ });
  } catch {
    return Buffer.alloc(0);
  }
}

function isUtf8(text: Buffer): boolean {
  // The head may cut a multi-byte character at its end; only whole characters are judged.
  const whole = text.length >= HEAD_BYTES ? text.subarray(0, text.length - 4) : text;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(whole);
    return true;
  } catch {
    return false;
  }
}

function isJsonObject(line: string): boolean {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

function firstLine(content: string): string {
  const end = content.search(/\r?\n/);
  return end < 0 ? content : content.slice(0, end);
}

function delimiterOf(line: string): string | undefined {
  const counts = ['\t', ',', ';', '|'].map((d) => [d, count(line, d)] as const);
  const best = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return best[1] > 0 ? best[0] : undefined;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

function extensionOf(rel: string): string | undefined {
  const parts = path.posix.basename(rel).toLowerCase().split('.').slice(1);
  if (['gz', 'gzip'].includes(parts.at(-1) ?? '')) parts.pop();
  return parts.at(-1);
}

async function readHead(filePath: string): Promise<Buffer> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
