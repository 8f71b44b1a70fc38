import { fileTypeFromBuffer } from 'file-type';

export const OCTET_STREAM = 'application/octet-stream';

/** Share of bytes in the sample that may be other than text before it is called binary. */
const MAX_BINARY_SHARE = 0.02;
/** A whole JSON document is parsed only up to this size. */
const MAX_JSON_PARSE_BYTES = 64 * 1024;

/**
 * The content type, from the bytes, never from the name: magic numbers (file-type)
 * first; otherwise text is recognised by inspection (no NUL, few control bytes) and
 * told apart as JSON, CSV or plain text.
 */
export async function sniffContentType(head: Buffer, sizeBytes: number): Promise<string> {
  const detected = await fileTypeFromBuffer(head).catch(() => undefined);
  if (detected) return detected.mime;
  if (!looksLikeText(head)) return OCTET_STREAM;
  const text = head.toString('latin1');
  if (isJson(text, head.length === sizeBytes)) return 'application/json';
  if (isCsv(text)) return 'text/csv';
  return 'text/plain';
}

/** True for text in any ASCII-compatible encoding (UTF-8, Latin-1, Windows-1252 …). */
export function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return true;
  let odd = 0;
  for (const byte of head) {
    if (byte === 0) return false;
    if (byte < 32 && byte !== 9 && byte !== 10 && byte !== 13 && byte !== 12) odd++;
  }
  return odd / head.length <= MAX_BINARY_SHARE;
}

function isJson(text: string, whole: boolean): boolean {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return false;
  if (!whole || text.length > MAX_JSON_PARSE_BYTES) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** At least two lines with the same number (one or more) of one delimiter. */
function isCsv(text: string): boolean {
  const lines = text
    .split(/\r?\n/)
    .slice(0, 20)
    .filter((l) => l.trim() !== '');
  // The sample may end inside a line; that line proves nothing.
  if (lines.length > 2) lines.pop();
  if (lines.length < 2) return false;
  return [',', ';', '\t', '|'].some((delimiter) => {
    const counts = lines.map((l) => l.split(delimiter).length - 1);
    return counts[0]! > 0 && counts.every((c) => c === counts[0]);
  });
}
