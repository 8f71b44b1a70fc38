/**
 * What the bytes of one JSON object as sent say about whether they can be its row as
 * they are: how many fields the object has at its top (JSON.parse keeps the last of
 * repeated names, DuckDB refuses them) and where it starts. The bytes are valid JSON
 * (already parsed).
 */
export interface SentObject {
  /** Index of the opening brace. */
  start: number;
  fields: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/** undefined: the object spans lines (pretty-printed), so its bytes cannot be one NDJSON line. */
export function sentObject(raw: Buffer): SentObject | undefined {
  let start = 0;
  while (start < raw.length && raw[start] !== 0x7b) start++;
  let depth = 0;
  let fields = 0;
  for (let i = start; i < raw.length; i++) {
    const b = raw[i] as number;
    if (b === QUOTE) {
      // Skip the string: its bytes hold no structure.
      for (i++; i < raw.length; i++) {
        const c = raw[i] as number;
        if (c === QUOTE) break;
        if (c === BACKSLASH) i++;
      }
    } else if (b === COLON) {
      if (depth === 1) fields++;
    } else if (b === 0x7b || b === 0x5b) {
      depth++;
    } else if (b === 0x7d || b === 0x5d) {
      depth--;
    } else if (b === 0x0a) {
      return undefined;
    }
  }
  return { start, fields };
}
