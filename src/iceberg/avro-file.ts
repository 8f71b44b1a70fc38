import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import avro from 'avsc';
import { InvalidInput } from '../errors/index.js';

/**
 * Avro object container files, written and read whole in memory. We frame the
 * file ourselves because avsc's encoder drops the `field-id` attributes from the
 * schema it embeds, and Iceberg readers need them.
 */

/** Avro longs as exact bigints (snapshot ids are 63-bit). */
const bigintLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (json: unknown) => BigInt(json as number),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]);
const metaType = avro.Type.forSchema({ type: 'map', values: 'bytes' });
const plainLong = avro.Type.forSchema('long');
const SYNC_SIZE = 16;

const PRIMITIVES: readonly unknown[] = [
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
];

/**
 * Logical types over primitives read as the primitive (avsc would bypass the
 * bigint long for `{"type": "long", "logicalType": …}`); Iceberg converts them itself.
 */
function plainPrimitives(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(plainPrimitives);
  if (typeof schema !== 'object' || schema === null) return schema;
  const node = schema as Record<string, unknown>;
  if (PRIMITIVES.includes(node.type) && 'logicalType' in node) return node.type;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, k === 'default' ? v : plainPrimitives(v)]),
  );
}

/** An avsc type for a schema, with bigint longs; a fresh registry per call since avsc fills it. */
function avroType(schema: object): avro.Type {
  return avro.Type.forSchema(plainPrimitives(schema) as avro.Schema, {
    registry: { long: bigintLong },
  });
}

export interface AvroFile {
  schema: unknown;
  metadata: Record<string, string>;
  records: Record<string, unknown>[];
}

/** One deflate-compressed block holding every record; manifests are small. */
export function encodeAvroFile(
  schema: object,
  records: unknown[],
  metadata: Record<string, string>,
): Buffer {
  const type = avroType(schema);
  const meta: Record<string, Buffer> = {
    'avro.schema': Buffer.from(JSON.stringify(schema)),
    'avro.codec': Buffer.from('deflate'),
  };
  for (const [key, value] of Object.entries(metadata)) meta[key] = Buffer.from(value);
  const sync = randomBytes(SYNC_SIZE);
  const parts: Buffer[] = [MAGIC, metaType.toBuffer(meta), sync];
  if (records.length > 0) {
    const block = deflateRawSync(Buffer.concat(records.map((r) => type.toBuffer(r))));
    parts.push(plainLong.toBuffer(records.length), plainLong.toBuffer(block.length), block, sync);
  }
  return Buffer.concat(parts);
}

function damaged(what: string, reason: string): InvalidInput {
  return new InvalidInput('INVALID_AVRO_FILE', `${what} is not a readable Avro file: ${reason}.`, {
    hint: 'the file is damaged or truncated; restore it or roll the table back to an earlier snapshot',
  });
}

function inflate(codec: string, block: Buffer, what: string): Buffer {
  if (codec === 'null') return block;
  if (codec === 'deflate') return inflateRawSync(block);
  throw damaged(what, `codec "${codec}" is not supported (use null or deflate)`);
}

export function decodeAvroFile(bytes: Uint8Array, what: string): AvroFile {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC))
    throw damaged(what, 'bad magic bytes');
  try {
    const header = metaType.decode(buf, MAGIC.length) as {
      value: Record<string, Buffer>;
      offset: number;
    };
    const metadata: Record<string, string> = {};
    for (const [key, value] of Object.entries(header.value)) metadata[key] = value.toString('utf8');
    const schema: unknown = JSON.parse(metadata['avro.schema'] ?? 'null');
    const codec = metadata['avro.codec'] ?? 'null';
    const type = avroType(schema as object);
    const records: Record<string, unknown>[] = [];
    let pos = header.offset + SYNC_SIZE;
    while (pos < buf.length) {
      const count = plainLong.decode(buf, pos) as { value: number; offset: number };
      const size = plainLong.decode(buf, count.offset) as { value: number; offset: number };
      const block = inflate(codec, buf.subarray(size.offset, size.offset + size.value), what);
      let at = 0;
      for (let i = 0; i < count.value; i++) {
        const decoded = type.decode(block, at) as {
          value: Record<string, unknown>;
          offset: number;
        };
        if (decoded.offset < 0) throw damaged(what, 'a block ends early');
        records.push(decoded.value);
        at = decoded.offset;
      }
      pos = size.offset + size.value + SYNC_SIZE;
    }
    return { schema, metadata, records };
  } catch (error) {
    if (error instanceof InvalidInput) throw error;
    throw damaged(what, (error as Error).message);
  }
}
