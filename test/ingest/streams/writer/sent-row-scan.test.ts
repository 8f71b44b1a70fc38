import { describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../../../src/ingest/index.js';
import type { IcebergType } from '../../../../src/iceberg/index.js';
import { fitsAsSent } from '../../../../src/ingest/streams/writer/json-values.js';
import { NdjsonRows } from '../../../../src/ingest/streams/writer/ndjson-rows.js';
import { decodeRecords } from '../../../../src/ingest/streams/writer/record-decoding.js';
import { fitRows, rowsAsSent } from '../../../../src/ingest/streams/writer/schema-fit.js';
import { sentObject } from '../../../../src/ingest/streams/writer/sent-objects.js';
import {
  scannedColumns,
  scanSentRow,
} from '../../../../src/ingest/streams/writer/sent-row-scan.js';

const COLUMNS: { name: string; type: IcebergType }[] = [
  { name: 'id', type: 'long' },
  { name: 'item', type: 'string' },
  { name: 'price', type: 'double' },
  { name: 'paid', type: 'boolean' },
  { name: 'day', type: 'date' },
  { name: 'n', type: 'int' },
];
const SCANNED = scannedColumns(COLUMNS)!;
const GOOD = '{"id":7,"item":"mug","price":2.5,"paid":true,"day":"2024-05-01","n":3}';

function scan(text: string | Buffer): number {
  return scanSentRow(typeof text === 'string' ? Buffer.from(text) : text, SCANNED);
}

/** What the full path decides for the bytes: the start of `{` when they are their row as sent. */
function fullPath(raw: Buffer): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return -1;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return -1;
  const keys = Object.keys(parsed);
  if (keys.join(',') !== COLUMNS.map((c) => c.name).join(',')) return -1;
  const values = Object.values(parsed as Record<string, unknown>);
  if (!values.every((v, i) => fitsAsSent(v, COLUMNS[i]!.type))) return -1;
  const sent = sentObject(raw);
  return sent === undefined || sent.fields !== keys.length ? -1 : sent.start;
}

/** A byte-level mutation of a good record: a flip, an insertion or a deletion. */
function mutate(raw: Buffer, random: () => number): Buffer {
  const bytes = [...raw];
  const alphabet = [...Buffer.from('{}[]",:\\ \t\r\n0123456789.eE+-truefalsn')].concat([
    0x00, 0xc3, 0xa9, 0xff, 0x1f,
  ]);
  const at = Math.floor(random() * (bytes.length + 1));
  const pick = alphabet[Math.floor(random() * alphabet.length)]!;
  const kind = random();
  if (kind < 0.4) bytes[Math.min(at, bytes.length - 1)] = pick;
  else if (kind < 0.8) bytes.splice(at, 0, pick);
  else bytes.splice(at, 1);
  return Buffer.from(bytes);
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

function record(text: string, offset: number): StreamRecord {
  return {
    value: Buffer.from(text),
    partition: '0',
    offset: String(offset),
    receivedAt: new Date(0),
  };
}

describe('scanning records as sent', () => {
  it('takes plain records and says where their object starts', () => {
    expect(scan(GOOD)).toBe(0);
    expect(scan(`  \t${GOOD} \r`)).toBe(3);
    expect(scan('{"id":null,"item":null,"price":null,"paid":null,"day":null,"n":null}')).toBe(0);
    expect(
      scan('{"id":17850.0,"item":"é ü","price":-1.5e-7,"paid":false,"day":"2024-02-29","n":-0}'),
    ).toBe(0);
    expect(
      scan(
        '{ "id" : 1 , "item" : "" , "price" : 0 , "paid" : true , "day" : "2024-01-01" , "n" : 1 }',
      ),
    ).toBe(0);
  });

  it('leaves everything outside its plain subset to the full path', () => {
    const refused = [
      GOOD.replace('"mug"', '"m\\"ug"'), // escapes
      GOOD.replace('"mug"', '"m\tug"'), // a control character JSON does not allow
      GOOD.replace('7', '07'), // leading zero: not JSON
      GOOD.replace('7', '1234567890123456'), // beyond what a long reads exactly
      GOOD.replace('7', '1e3'), // an exponent in an integer column
      GOOD.replace('7', '7.5'), // a fraction in an integer column
      GOOD.replace('2.5', '1e400'), // not finite
      GOOD.replace('2.5', '"2.5"'), // a string in a number column
      GOOD.replace('"mug"', '3'), // a number in a string column (written converted)
      GOOD.replace('"mug"', '{"a":1}'), // nested values
      GOOD.replace('true', 'tru'),
      GOOD.replace('"2024-05-01"', '"2024-13-01"'), // not a date
      GOOD.replace('3}', '3,"extra":1}'), // a field the columns lack
      GOOD.replace('"item":"mug",', ''), // a field missing
      GOOD.replace('"id"', '"ID"'), // another case: the full path maps it
      `${GOOD}x`, // trailing bytes
      `${GOOD}\n`, // a line break: the row would span lines
      `[${GOOD}]`,
      `\ufeff${GOOD}`, // a byte order mark JSON.parse refuses
      GOOD.replace('3}', '3,}'),
    ];
    for (const text of refused) expect(scan(text), text).toBe(-1);
    expect(
      scan(
        Buffer.concat([
          Buffer.from(GOOD.slice(0, 20)),
          Buffer.from([0xff]),
          Buffer.from(GOOD.slice(20)),
        ]),
      ),
    ).toBe(-1);
  });

  it('never takes bytes the full path would not write as sent (100,000 mutations)', () => {
    const random = seeded(42);
    let taken = 0;
    for (let i = 0; i < 100_000; i++) {
      let raw: Buffer = Buffer.from(GOOD);
      const rounds = 1 + Math.floor(random() * 3);
      for (let r = 0; r < rounds; r++) raw = mutate(raw, random);
      const start = scan(raw);
      if (start >= 0) {
        taken++;
        expect(fullPath(raw), raw.toString('latin1')).toBe(start);
      }
    }
    // Many mutations (digits in numbers, letters in strings) are still plain records.
    expect(taken).toBeGreaterThan(2_000);
  });

  it('gives the same rows, byte for byte, as decoding every record', () => {
    const texts = [GOOD, `  ${GOOD}`, GOOD.replace('"mug"', '"m\\"ug"'), GOOD.replace('7', '7.0')];
    for (let i = 0; i < 200; i++)
      texts.push(GOOD.replace('7', String(i)).replace('mug', `mug ${i} ✓`));
    const records = texts.map((t, i) => record(t, i));
    const rowsOf = (scanning: boolean): Buffer => {
      const rows = new NdjsonRows();
      const taker = rowsAsSent(COLUMNS, rows);
      const take = scanning ? taker : { ...taker, sent: () => false };
      const { units } = decodeRecords(records, 'json', 1024 ** 2, take);
      fitRows({ units, columns: COLUMNS, policy: 'evolve', table: 't', rows });
      return rows.toBuffer();
    };
    const scanned = rowsOf(true);
    expect(scanned.toString().split('\n').length).toBe(records.length + 1);
    expect(scanned.equals(rowsOf(false))).toBe(true);
  });

  it('does not scan against column names it cannot compare as plain bytes', () => {
    expect(scannedColumns([{ name: 'a"b', type: 'string' }])).toBeUndefined();
    expect(scannedColumns([{ name: 'a\\b', type: 'string' }])).toBeUndefined();
    expect(scannedColumns([])).toBeUndefined();
  });
});
