import { InvalidInput } from '../../errors/index.js';
import { parseType } from '../../iceberg/index.js';
import type { IcebergType, NestedField } from '../../iceberg/index.js';

/**
 * Parses an Iceberg type as text, nested ones included: 'long', 'decimal(10, 2)',
 * 'list<string>', 'map<string, long>', 'struct<a: int, b: list<string>>' (what
 * typeToString prints). Nested ids are numbered from nextId; the caller owns the count.
 */
export function parseColumnType(text: string, nextId: () => number): IcebergType {
  const reader = new TypeReader(text, nextId);
  const type = reader.type();
  reader.end();
  return type;
}

class TypeReader {
  #at = 0;

  constructor(
    private readonly text: string,
    private readonly nextId: () => number,
  ) {}

  type(): IcebergType {
    this.#skipSpace();
    const rest = this.text.slice(this.#at);
    const nested = /^(list|map|struct)\s*</i.exec(rest);
    if (nested === null) return this.#primitive();
    this.#at += nested[0].length;
    switch (nested[1]!.toLowerCase()) {
      case 'list': {
        const id = this.nextId();
        const element = this.type();
        this.#expect('>');
        return { type: 'list', 'element-id': id, element, 'element-required': false };
      }
      case 'map': {
        const keyId = this.nextId();
        const valueId = this.nextId();
        const key = this.type();
        this.#expect(',');
        const value = this.type();
        this.#expect('>');
        return {
          type: 'map',
          'key-id': keyId,
          key,
          'value-id': valueId,
          value,
          'value-required': false,
        };
      }
      default:
        return { type: 'struct', fields: this.#fields() };
    }
  }

  end(): void {
    this.#skipSpace();
    if (this.#at < this.text.length) this.#fail();
  }

  #fields(): NestedField[] {
    const fields: NestedField[] = [];
    for (;;) {
      this.#skipSpace();
      const colon = this.text.indexOf(':', this.#at);
      if (colon < 0) this.#fail();
      const name = this.text.slice(this.#at, colon).trim();
      if (name === '') this.#fail();
      this.#at = colon + 1;
      const id = this.nextId();
      fields.push({ id, name, required: false, type: this.type() });
      this.#skipSpace();
      const next = this.text[this.#at++];
      if (next === '>') return fields;
      if (next !== ',') this.#fail();
    }
  }

  /** A primitive ends at the first ',' or '>' outside its own parentheses. */
  #primitive(): IcebergType {
    let depth = 0;
    let end = this.#at;
    for (; end < this.text.length; end++) {
      const c = this.text[end];
      if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (depth === 0 && (c === ',' || c === '>')) break;
    }
    const name = this.text.slice(this.#at, end).trim();
    if (name === '') this.#fail();
    this.#at = end;
    return parseType(name);
  }

  #expect(c: string): void {
    this.#skipSpace();
    if (this.text[this.#at] !== c) this.#fail();
    this.#at++;
  }

  #skipSpace(): void {
    while (/\s/.test(this.text[this.#at] ?? '')) this.#at++;
  }

  #fail(): never {
    throw new InvalidInput('INVALID_TYPE', `"${this.text}" is not a column type.`, {
      hint: 'Use an Iceberg type: long, string, decimal(10, 2), timestamp, list<string>, map<string, long>, struct<a: int, b: string>.',
    });
  }
}
