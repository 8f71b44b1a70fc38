import { isUtf8 } from 'node:buffer';
import { STREAM_BRONZE_COLUMNS } from '../contract.js';
import type { StreamFormat, StreamRecord } from '../contract.js';

/**
 * The smallest part of a record that is written or set aside as a whole, with its
 * exact bytes: a whole message for `json` (an array of objects is one message), one
 * line for `ndjson`.
 */
export interface RecordUnit {
  record: StreamRecord;
  raw: Buffer;
  objects: Record<string, unknown>[];
}

export interface DeadLetter {
  record: StreamRecord;
  raw: Buffer;
  reason: string;
}

export interface Decoded {
  units: RecordUnit[];
  dead: DeadLetter[];
}

/**
 * Only the stream's own columns are reserved (compared without case, as queries
 * resolve names): other fields starting with `_` (e.g. `_id`) are ordinary data.
 */
const RESERVED = new Set<string>(STREAM_BRONZE_COLUMNS.map((c) => c.name));
const NEWLINE = 0x0a;

export function decodeRecords(
  records: StreamRecord[],
  format: StreamFormat,
  maxRecordBytes: number,
): Decoded {
  const decoded: Decoded = { units: [], dead: [] };
  const shapes: ShapeProblems = new Map();
  for (const record of records) {
    const { value } = record;
    if (value.length > maxRecordBytes) {
      decoded.dead.push({
        record,
        raw: value,
        reason: `record of ${value.length} bytes is over the limit of ${maxRecordBytes} bytes`,
      });
    } else if (format === 'json') {
      decodeUnit(record, value, true, decoded, shapes);
    } else {
      for (const line of lines(value)) decodeUnit(record, line, false, decoded, shapes);
    }
  }
  return decoded;
}

function* lines(value: Buffer): Generator<Buffer> {
  let start = 0;
  while (start < value.length) {
    const end = value.indexOf(NEWLINE, start);
    const stop = end === -1 ? value.length : end;
    const line = value.subarray(start, stop);
    // Blank lines (and the \r of CRLF) carry no record.
    if (line.some((b) => b !== 0x20 && b !== 0x09 && b !== 0x0d)) yield line;
    start = stop + 1;
  }
}

function decodeUnit(
  record: StreamRecord,
  raw: Buffer,
  arrays: boolean,
  out: Decoded,
  shapes: ShapeProblems,
): void {
  const fail = (reason: string) => out.dead.push({ record, raw, reason });
  if (!isUtf8(raw)) return void fail('not valid UTF-8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return void fail(`not JSON: ${(err as Error).message}`);
  }
  const objects = arrays && Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
  for (const object of objects) {
    const problem = objectProblem(object, shapes);
    if (problem !== undefined) return void fail(problem);
  }
  if (objects.length > 0) {
    out.units.push({ record, raw, objects: objects as Record<string, unknown>[] });
  }
}

/**
 * Records of a stream mostly share their field names: what was found for one set of
 * names (in order) is remembered for the batch, so each object costs one lookup.
 */
type ShapeProblems = Map<string, string | undefined>;

function objectProblem(value: unknown, shapes: ShapeProblems): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    return `not a JSON object but ${kind}`;
  }
  const keys = Object.keys(value);
  const shape = `${keys.length}:${keys.join('\u0000')}`;
  if (shapes.has(shape)) return shapes.get(shape);
  const problem = namesProblem(keys);
  shapes.set(shape, problem);
  return problem;
}

function namesProblem(keys: string[]): string | undefined {
  const seen = new Map<string, string>();
  for (const key of keys) {
    const lower = key.toLowerCase();
    if (key === '' || /[\p{Cc}]/u.test(key)) {
      return `field name ${JSON.stringify(key)} is not usable as a column name`;
    }
    if (RESERVED.has(lower)) return `field "${key}" has a name reserved for stream columns`;
    const other = seen.get(lower);
    if (other !== undefined) return `fields "${other}" and "${key}" differ only by case`;
    seen.set(lower, key);
  }
  return undefined;
}
