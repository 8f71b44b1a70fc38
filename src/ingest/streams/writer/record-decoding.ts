import { isUtf8 } from 'node:buffer';
import { STREAM_BRONZE_COLUMNS } from '../contract.js';
import type { StreamFormat, StreamRecord } from '../contract.js';
import type { RowPlace } from './ndjson-rows.js';

/**
 * The smallest part of a record that is written or set aside as a whole, with its
 * exact bytes: a whole message for `json` (an array of objects is one message), one
 * line for `ndjson`.
 */
export interface RecordUnit {
  record: StreamRecord;
  raw: Buffer;
  objects: Record<string, unknown>[];
  /** The field names of a unit that is one object (not in an array). */
  shape?: Shape;
  /** Where the unit's rows go among the batch's rows, when they are written after it. */
  place?: RowPlace;
}

/**
 * Writes rows as soon as a record is read, and says so (the record is then not kept):
 * most records of a batch need no more than that, and what is never built costs the
 * garbage collector nothing.
 */
export interface RowTaker {
  /** The row of a record's bytes as sent, before any decoding, when they can be it. */
  sent(record: StreamRecord, raw: Buffer): boolean;
  /** The rows of a decoded unit. */
  unit(unit: RecordUnit): boolean;
}

const TAKE_NOTHING: RowTaker = { sent: () => false, unit: () => false };

/** The field names of objects, in order, shared by all objects of a batch that have them. */
export interface Shape {
  keys: string[];
  problem: string | undefined;
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
  take: RowTaker = TAKE_NOTHING,
): Decoded {
  const decoded: Decoded = { units: [], dead: [] };
  const shapes: Decoding = { byNames: new Map(), last: undefined, take };
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
  shapes: Decoding,
): void {
  if (shapes.take.sent(record, raw)) return;
  if (!isUtf8(raw)) return void out.dead.push({ record, raw, reason: 'not valid UTF-8' });
  const text = raw.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return void out.dead.push({ record, raw, reason: `not JSON: ${(err as Error).message}` });
  }
  const array = arrays && Array.isArray(parsed);
  const objects = array ? (parsed as unknown[]) : [parsed];
  let shape: Shape | undefined;
  for (const object of objects) {
    const found = objectShape(object, shapes);
    if (typeof found === 'string') return void out.dead.push({ record, raw, reason: found });
    shape = found;
  }
  const lone = text.includes('\\ud') || text.includes('\\uD') ? loneSurrogate(objects) : undefined;
  if (lone !== undefined) {
    const reason = `field ${JSON.stringify(lone)} holds an escaped lone surrogate, which is not Unicode text`;
    return void out.dead.push({ record, raw, reason });
  }
  if (objects.length > 0) {
    const unit: RecordUnit = { record, raw, objects: objects as Record<string, unknown>[] };
    if (!array) unit.shape = shape;
    if (!shapes.take.unit(unit)) out.units.push(unit);
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The field whose name or text holds a lone surrogate: JSON.parse takes `"\ud800"`,
 * DuckDB refuses it (and with it the whole batch). Values kept as JSON text are
 * written escaped, so only top-level names and strings count.
 */
function loneSurrogate(objects: unknown[]): string | undefined {
  for (const object of objects as Record<string, unknown>[]) {
    for (const key in object) {
      const value = object[key];
      if (LONE_SURROGATE.test(key)) return key;
      if (typeof value === 'string' && LONE_SURROGATE.test(value)) return key;
    }
  }
  return undefined;
}

/**
 * Records of a stream mostly share their field names: what was found for one set of
 * names (in order) is remembered for the batch, so each object costs one lookup, and
 * none when it has the names of the object before it.
 */
/** What decoding a batch remembers from record to record. */
interface Decoding {
  byNames: Map<string, Shape>;
  last: Shape | undefined;
  take: RowTaker;
}

/** The object's shape, or why it cannot be a row. */
function objectShape(value: unknown, shapes: Decoding): Shape | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    return `not a JSON object but ${kind}`;
  }
  const keys = Object.keys(value);
  let shape = shapes.last;
  if (shape === undefined || !sameNames(shape.keys, keys)) {
    const names = `${keys.length}:${keys.join('\u0000')}`;
    shape = shapes.byNames.get(names);
    if (shape === undefined) {
      shape = { keys, problem: namesProblem(keys) };
      shapes.byNames.set(names, shape);
    }
    shapes.last = shape;
  }
  return shape.problem ?? shape;
}

function sameNames(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
