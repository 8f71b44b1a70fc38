import { isLosslessNumber } from 'lossless-json';
import { InvalidInput } from '../errors/index.js';
import type { TimeTravel } from './ports.js';
import type { SqlNode } from './sql-parser.js';

const hint =
  "Write AT (VERSION => <snapshot id>) or AT (TIMESTAMP => '2026-01-01 10:00:00') (UTC unless an offset is given).";

/** `AT (VERSION => n)` / `AT (TIMESTAMP => '…')` of a FROM item, read from the parse tree. */
export function timeTravelOf(atClause: SqlNode, table: string): TimeTravel {
  const unit = String(atClause.unit).toUpperCase();
  const literal = constantText(atClause.expr as SqlNode | undefined);
  if (unit === 'VERSION' && literal !== undefined && /^\d+$/.test(literal)) {
    return { kind: 'snapshot', snapshotId: BigInt(literal) };
  }
  if (unit === 'TIMESTAMP' && literal !== undefined) {
    const timestampMs = parseUtcTimestamp(literal);
    if (timestampMs !== undefined) return { kind: 'timestamp', timestampMs };
  }
  throw new InvalidInput(
    'INVALID_TIME_TRAVEL',
    `The AT clause on ${table} must give a snapshot id or a timestamp literal.`,
    { hint },
  );
}

/** The text of a constant, also through a CAST (`TIMESTAMP '…'` parses as one). */
function constantText(node: SqlNode | undefined): string | undefined {
  if (node?.class === 'CAST') return constantText(node.child as SqlNode);
  if (node?.class !== 'CONSTANT') return undefined;
  const value = (node.value as SqlNode | undefined)?.value;
  if (typeof value === 'string') return value;
  // Kept as the parser's digits, so 19-digit snapshot ids stay exact.
  if (isLosslessNumber(value)) return value.toString();
  return undefined;
}

const timestampPattern =
  /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function parseUtcTimestamp(text: string): number | undefined {
  const match = timestampPattern.exec(text.trim());
  if (!match) return undefined;
  const [, date, time = '00:00:00', zone = 'Z'] = match;
  const fraction = time.replace(/(\.\d{3})\d+$/, '$1');
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : normalizeOffset(zone);
  const ms = Date.parse(`${date}T${fraction}${offset}`);
  return Number.isNaN(ms) ? undefined : ms;
}

function normalizeOffset(zone: string): string {
  const digits = zone.slice(1).replace(':', '');
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2, 4) || '00'}`;
}
