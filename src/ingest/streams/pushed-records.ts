import { InvalidInput } from '../../errors/index.js';

export const PUSH_CONTENT_TYPES = ['application/json', 'application/x-ndjson'] as const;
export type PushContentType = (typeof PUSH_CONTENT_TYPES)[number];

/**
 * A pushed body as records, one Buffer of JSON per record, raw bytes kept (no re-encoding,
 * so 64-bit numbers stay exact). A JSON body is one value or an array of values; NDJSON is
 * one value per line. An NDJSON line is a record as it is: one that does not parse, or
 * is not an object, is set aside by the writer in the dead-letter table with the reason
 * and its bytes (the request is still one durable entry). A JSON body must parse whole to
 * be split into records, so one that does not is refused (with the line where it breaks).
 */
export function pushedRecords(body: Buffer, contentType: PushContentType): Buffer[] {
  return contentType === 'application/x-ndjson' ? ndjsonRecords(body) : jsonRecords(body);
}

function ndjsonRecords(body: Buffer): Buffer[] {
  const records: Buffer[] = [];
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    const line = trimmed(body, start, end);
    if (line.length > 0) records.push(line);
    start = end + 1;
  }
  return records;
}

const isSpace = (byte: number | undefined): boolean =>
  byte === 0x20 || byte === 0x09 || byte === 0x0d;

function trimmed(body: Buffer, start: number, end: number): Buffer {
  let from = start;
  let to = end;
  while (from < to && isSpace(body[from])) from++;
  while (to > from && isSpace(body[to - 1])) to--;
  return body.subarray(from, to);
}

function jsonRecords(body: Buffer): Buffer[] {
  const text = body.toString('utf8');
  if (text.trim() === '') return [];
  const value = parse(text);
  if (!Array.isArray(value)) return [Buffer.from(oneLine(text.trim()), 'utf8')];
  return arrayItems(text).map((item) => Buffer.from(oneLine(item), 'utf8'));
}

/** JSON strings cannot hold a raw line break, so every line break is whitespace. */
function oneLine(json: string): string {
  return json.includes('\n') ? json.replace(/\r?\n\s*/g, ' ') : json;
}

/** The raw text of each item of a JSON array already known to be valid. */
function arrayItems(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) {
        start = i + 1;
        continue;
      }
    } else if (c === ']' || c === '}') {
      depth--;
    }
    if (depth === 1 && c === ',') {
      items.push(text.slice(start, i).trim());
      start = i + 1;
    } else if (depth === 0 && c === ']') {
      const last = text.slice(start, i).trim();
      if (last !== '') items.push(last);
      break;
    }
  }
  return items;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    throw new InvalidInput(
      'STREAM_BODY_NOT_JSON',
      `The request body is not JSON: line ${lineOf(text, message)} does not parse (${reasonOf(message)}).`,
      {
        hint: 'Send one JSON object or an array of objects with Content-Type: application/json (or one object per line with application/x-ndjson).',
      },
    );
  }
}

/** V8's reason without the excerpt of the body it may quote (records are never echoed or logged). */
function reasonOf(message: string): string {
  return message.replace(/, ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+$/, '');
}

/** Where JSON.parse stopped: V8 gives a position, or the unexpected token, or the end. */
function lineOf(text: string, message: string): number {
  const position = /position (\d+)/.exec(message);
  const token = /^Unexpected token '(.)'/.exec(message);
  let index = text.length;
  if (position) index = Number(position[1]);
  else if (token) index = firstOutsideStrings(text, token[1]!);
  let count = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text[i] === '\n') count++;
  return count;
}

function firstOutsideStrings(text: string, char: string): number {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === char) return i;
  }
  return text.length;
}
