import { InvalidInput } from '../errors/index.js';
import type { IcebergType, NestedField, PrimitiveType, Schema } from '../iceberg/index.js';
import { quoteIdent } from './sql-quote.js';

/**
 * Iceberg ⇄ DuckDB type names. Field ids produced here are placeholders (0);
 * the table's schema assigns the real ones on create.
 */

const primitiveToDuck: Record<string, string> = {
  boolean: 'BOOLEAN',
  int: 'INTEGER',
  long: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  date: 'DATE',
  time: 'TIME',
  timestamp: 'TIMESTAMP',
  timestamptz: 'TIMESTAMP WITH TIME ZONE',
  timestamp_ns: 'TIMESTAMP_NS',
  // DuckDB has no nanosecond TIMESTAMPTZ; values read at microsecond precision.
  timestamptz_ns: 'TIMESTAMP WITH TIME ZONE',
  string: 'VARCHAR',
  uuid: 'UUID',
  binary: 'BLOB',
  // An Iceberg v3 'unknown' column only ever holds NULL.
  unknown: 'VARCHAR',
};

export function icebergToDuckType(t: IcebergType): string {
  if (typeof t === 'string') {
    const known = primitiveToDuck[t];
    if (known !== undefined) return known;
    const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(t);
    if (decimal) return `DECIMAL(${decimal[1]},${decimal[2]})`;
    if (/^fixed\[\d+\]$/.test(t)) return 'BLOB';
    throw new InvalidInput('UNSUPPORTED_TYPE', `Iceberg type '${t}' has no DuckDB equivalent.`);
  }
  switch (t.type) {
    case 'list':
      return `${icebergToDuckType(t.element)}[]`;
    case 'map':
      return `MAP(${icebergToDuckType(t.key)}, ${icebergToDuckType(t.value)})`;
    case 'struct':
      return `STRUCT(${t.fields.map((f) => `${quoteIdent(f.name)} ${icebergToDuckType(f.type)}`).join(', ')})`;
  }
}

/**
 * DuckDB's unsigned 64-bit and 128-bit integers do not fit Iceberg's long, so they
 * become decimal(38, 0), which holds every value of them exactly.
 */
const duckToPrimitive: Record<string, PrimitiveType> = {
  BOOLEAN: 'boolean',
  BOOL: 'boolean',
  LOGICAL: 'boolean',
  TINYINT: 'int',
  INT1: 'int',
  SMALLINT: 'int',
  INT2: 'int',
  SHORT: 'int',
  INTEGER: 'int',
  INT: 'int',
  INT4: 'int',
  SIGNED: 'int',
  UTINYINT: 'int',
  USMALLINT: 'int',
  UINTEGER: 'long',
  BIGINT: 'long',
  INT8: 'long',
  LONG: 'long',
  UBIGINT: 'decimal(38, 0)',
  HUGEINT: 'decimal(38, 0)',
  UHUGEINT: 'decimal(38, 0)',
  FLOAT: 'float',
  FLOAT4: 'float',
  REAL: 'float',
  DOUBLE: 'double',
  FLOAT8: 'double',
  'DOUBLE PRECISION': 'double',
  DATE: 'date',
  TIME: 'time',
  TIMESTAMP: 'timestamp',
  DATETIME: 'timestamp',
  TIMESTAMP_S: 'timestamp',
  TIMESTAMP_MS: 'timestamp',
  TIMESTAMP_US: 'timestamp',
  TIMESTAMP_NS: 'timestamp_ns',
  'TIMESTAMP WITH TIME ZONE': 'timestamptz',
  TIMESTAMPTZ: 'timestamptz',
  VARCHAR: 'string',
  TEXT: 'string',
  STRING: 'string',
  CHAR: 'string',
  BPCHAR: 'string',
  JSON: 'string',
  UUID: 'uuid',
  BLOB: 'binary',
  BYTEA: 'binary',
  BINARY: 'binary',
  VARBINARY: 'binary',
};

export function duckToIcebergType(duckType: string): IcebergType {
  const reader = new TypeReader(duckType);
  const type = reader.readType();
  reader.expectEnd();
  return type;
}

/** An Iceberg schema for query output columns, with unique temporary ids; every field optional. */
export function schemaFromDuckColumns(cols: { name: string; type: string }[]): Schema {
  let nextId = 0;
  const id = (): number => ++nextId;
  const renumber = (t: IcebergType): IcebergType => {
    if (typeof t === 'string') return t;
    if (t.type === 'list') {
      return { ...t, 'element-id': id(), element: renumber(t.element) };
    }
    if (t.type === 'map') {
      const keyId = id();
      const valueId = id();
      return {
        ...t,
        'key-id': keyId,
        key: renumber(t.key),
        'value-id': valueId,
        value: renumber(t.value),
      };
    }
    return { type: 'struct', fields: renumberFields(t.fields) };
  };
  const renumberFields = (fields: NestedField[]): NestedField[] => {
    const ids = fields.map(() => id());
    return fields.map((f, i) => ({ ...f, id: ids[i] ?? 0, type: renumber(f.type) }));
  };
  const fields = cols.map((c) => field(c.name, duckToIcebergType(c.type)));
  return { type: 'struct', 'schema-id': 0, fields: renumberFields(fields) };
}

function field(name: string, type: IcebergType): NestedField {
  return { id: 0, name, required: false, type };
}

function unsupported(duckType: string, why: string, hint: string): InvalidInput {
  return new InvalidInput('UNSUPPORTED_TYPE', `DuckDB type ${duckType} ${why}`, { hint });
}

/** Recursive-descent reader of DuckDB's type strings, e.g. STRUCT("a b" INTEGER[], m MAP(VARCHAR, DATE)). */
class TypeReader {
  private pos = 0;

  constructor(private readonly text: string) {}

  readType(): IcebergType {
    this.skipSpace();
    const name = this.readTypeName();
    let type = this.readArguments(name);
    for (;;) {
      this.skipSpace();
      if (this.peek() !== '[') break;
      this.pos++;
      while (this.peek() !== ']' && this.pos < this.text.length) this.pos++;
      this.expect(']');
      // Fixed-size ARRAY and LIST both become Iceberg lists.
      type = { type: 'list', 'element-id': 0, element: type, 'element-required': false };
    }
    return type;
  }

  expectEnd(): void {
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`has unexpected text at position ${this.pos + 1}`);
  }

  private readArguments(name: string): IcebergType {
    const upper = name.toUpperCase();
    this.skipSpace();
    const hasArgs = this.peek() === '(';
    if (upper === 'STRUCT' || upper === 'ROW') return this.readStruct();
    if (upper === 'MAP') return this.readMap();
    if (upper === 'LIST') {
      this.expect('(');
      const element = this.readType();
      this.expect(')');
      return { type: 'list', 'element-id': 0, element, 'element-required': false };
    }
    if (upper === 'DECIMAL' || upper === 'NUMERIC' || upper === 'DEC') {
      const [precision, scale] = hasArgs ? this.readNumbers() : [18, 3];
      return `decimal(${precision ?? 18}, ${scale ?? 0})`;
    }
    if (upper === 'ENUM') {
      this.skipBalanced();
      return 'string';
    }
    if (hasArgs && (upper === 'VARCHAR' || upper === 'CHAR' || upper === 'BPCHAR')) {
      this.skipBalanced();
    }
    const primitive = duckToPrimitive[upper];
    if (primitive !== undefined) return primitive;
    if (upper === 'INTERVAL') {
      throw unsupported(
        'INTERVAL',
        'has no Iceberg equivalent.',
        'Convert the column first, e.g. to seconds with epoch(col) or to text with CAST(col AS VARCHAR).',
      );
    }
    throw unsupported(
      this.text,
      'has no Iceberg equivalent.',
      'Cast the column to a supported type (numbers, text, dates, timestamps, lists, structs, maps).',
    );
  }

  private readStruct(): IcebergType {
    this.expect('(');
    const fields: NestedField[] = [];
    do {
      this.skipSpace();
      const name = this.readFieldName();
      fields.push(field(name, this.readType()));
      this.skipSpace();
    } while (this.consume(','));
    this.expect(')');
    return { type: 'struct', fields };
  }

  private readMap(): IcebergType {
    this.expect('(');
    const key = this.readType();
    this.expect(',');
    const value = this.readType();
    this.expect(')');
    return { type: 'map', 'key-id': 0, key, 'value-id': 0, value, 'value-required': false };
  }

  private readNumbers(): number[] {
    this.expect('(');
    const numbers: number[] = [];
    do {
      this.skipSpace();
      const digits = /^\d+/.exec(this.text.slice(this.pos))?.[0];
      if (digits === undefined) this.fail('has a malformed number');
      numbers.push(Number(digits));
      this.pos += digits.length;
      this.skipSpace();
    } while (this.consume(','));
    this.expect(')');
    return numbers;
  }

  /** Type names may be several words: TIMESTAMP WITH TIME ZONE, DOUBLE PRECISION. */
  private readTypeName(): string {
    const match = /^[A-Za-z_][A-Za-z0-9_]*(?: +[A-Za-z_][A-Za-z0-9_]*)*/.exec(
      this.text.slice(this.pos),
    );
    if (!match) this.fail(`has no type name at position ${this.pos + 1}`);
    this.pos += match[0].length;
    return match[0].replace(/ +/g, ' ');
  }

  private readFieldName(): string {
    if (this.peek() !== '"') {
      const match = /^[^\s"(),]+/.exec(this.text.slice(this.pos));
      if (!match) this.fail(`has no field name at position ${this.pos + 1}`);
      this.pos += match[0].length;
      return match[0];
    }
    let name = '';
    this.pos++;
    for (;;) {
      const quote = this.text.indexOf('"', this.pos);
      if (quote < 0) this.fail('has an unterminated quoted name');
      name += this.text.slice(this.pos, quote);
      this.pos = quote + 1;
      if (this.peek() !== '"') return name;
      name += '"';
      this.pos++;
    }
  }

  private skipBalanced(): void {
    this.expect('(');
    let depth = 1;
    let quote: string | undefined;
    while (depth > 0 && this.pos < this.text.length) {
      const ch = this.text[this.pos++];
      if (quote !== undefined) {
        if (ch === quote) quote = undefined;
      } else if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '(') depth++;
      else if (ch === ')') depth--;
    }
    if (depth > 0) this.fail('has unbalanced parentheses');
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private skipSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\n' || this.peek() === '\t') this.pos++;
  }

  private consume(ch: string): boolean {
    this.skipSpace();
    if (this.peek() !== ch) return false;
    this.pos++;
    return true;
  }

  private expect(ch: string): void {
    if (!this.consume(ch)) this.fail(`expected '${ch}' at position ${this.pos + 1}`);
  }

  private fail(why: string): never {
    throw new InvalidInput('INVALID_TYPE', `Cannot read the DuckDB type '${this.text}': ${why}.`);
  }
}
