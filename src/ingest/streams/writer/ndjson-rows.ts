import type { StreamRecord } from '../contract.js';

const LINE_END = Buffer.from('\n');

/** A place kept among a batch's rows for rows written later (whole lines). */
export type RowPlace = Buffer[];

/**
 * The rows of a batch as NDJSON, each led by the stream's position columns. A record
 * whose bytes as sent already are its row is copied straight into the batch's buffer
 * (never parsed back into text, nothing kept per row); the others are written from
 * their checked values, at a place kept in record order.
 */
export class NdjsonRows {
  /** Finished stretches of the buffer and places, in record order. */
  private readonly parts: (Buffer | RowPlace)[] = [];
  private readonly prefixes = new Map<string | null, string>();
  private readonly prefixBuffers = new Map<string | null, Buffer>();
  private out: Buffer;
  private at = 0;
  private stretchStart = 0;
  private rowCount = 0;

  /** sizeHint: the batch's bytes as sent, so the buffer seldom grows. */
  constructor(sizeHint = 0) {
    this.out = Buffer.allocUnsafe(Math.max(64 * 1024, Math.ceil(sizeHint * 1.25)));
  }

  get count(): number {
    return this.rowCount;
  }

  /**
   * A row from the bytes of a JSON object as sent: `start` is the index of its `{` (only
   * blanks come before it), `fields` whether it has any. The bytes are copied, never decoded.
   */
  addSent(
    record: StreamRecord,
    raw: Buffer,
    start: number,
    fields: boolean,
    place?: RowPlace,
  ): void {
    this.rowCount++;
    if (place !== undefined) {
      const head = `${this.prefix(record)}${record.offset}${fields ? ',' : ''}`;
      place.push(Buffer.concat([Buffer.from(head), raw.subarray(start + 1), LINE_END]));
      return;
    }
    const prefix = this.prefixBytes(record);
    // Positions are decimal digits (the writer checks): one byte each.
    const headBytes = prefix.length + record.offset.length + (fields ? 1 : 0);
    this.ensure(headBytes + raw.length + 1);
    if (headBytes > start) {
      // The whole record is copied so that its `{` falls under the head's last byte, then the
      // head is written over what came before: copying part of a buffer costs a view per row.
      const at = this.at + headBytes - (start + 1);
      this.out.set(raw, at);
      this.writeHead(prefix, record.offset, fields);
      this.at = at + raw.length;
    } else {
      this.at = this.writeHead(prefix, record.offset, fields);
      this.at += raw.copy(this.out, this.at, start + 1);
    }
    this.out[this.at++] = 0x0a;
  }

  /** Writes `{"_partition":…,"_offset":N` and a comma if fields follow; returns where it ends. */
  private writeHead(prefix: Buffer, offset: string, fields: boolean): number {
    const out = this.out;
    out.set(prefix, this.at);
    let at = this.at + prefix.length;
    for (let i = 0; i < offset.length; i++) out[at++] = offset.charCodeAt(i);
    if (fields) out[at++] = 0x2c;
    return at;
  }

  /** Keeps the place of a record whose rows are written later. */
  reserve(): RowPlace {
    this.endStretch();
    const place: RowPlace = [];
    this.parts.push(place);
    return place;
  }

  /** A row from its fields' JSON text (`"name":value`, in order), at its place if it has one. */
  addFields(record: StreamRecord, fields: string[], place?: RowPlace): void {
    const line = `${this.prefix(record)}${record.offset}${fields.length > 0 ? ',' : ''}${fields.join(',')}}\n`;
    this.add(line, place);
  }

  private add(line: string, place: RowPlace | undefined): void {
    this.rowCount++;
    if (place !== undefined) {
      place.push(Buffer.from(line));
      return;
    }
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit.
    this.ensure(line.length * 3);
    this.at += this.out.write(line, this.at);
  }

  /** The whole batch, one row a line (the buffer itself when no row had to wait). */
  toBuffer(): Buffer {
    this.endStretch();
    const parts = this.parts.flat();
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  }

  private prefixBytes(record: StreamRecord): Buffer {
    let bytes = this.prefixBuffers.get(record.partition);
    if (bytes === undefined) {
      bytes = Buffer.from(this.prefix(record));
      this.prefixBuffers.set(record.partition, bytes);
    }
    return bytes;
  }

  private prefix(record: StreamRecord): string {
    let prefix = this.prefixes.get(record.partition);
    if (prefix === undefined) {
      prefix = `{"_partition":${JSON.stringify(record.partition)},"_offset":`;
      this.prefixes.set(record.partition, prefix);
    }
    return prefix;
  }

  private endStretch(): void {
    if (this.at > this.stretchStart) this.parts.push(this.out.subarray(this.stretchStart, this.at));
    this.stretchStart = this.at;
  }

  private ensure(bytes: number): void {
    if (this.at + bytes <= this.out.length) return;
    // Stretches already taken stay views of the old buffer.
    this.endStretch();
    this.out = Buffer.allocUnsafe(Math.max(this.out.length * 2, bytes));
    this.at = 0;
    this.stretchStart = 0;
  }
}
