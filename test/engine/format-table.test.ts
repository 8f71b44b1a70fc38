import { describe, expect, it } from 'vitest';
import { formatTable } from '../../src/engine/index.js';
import type { QueryResult } from '../../src/engine/index.js';

function result(rows: unknown[][], truncated = false): QueryResult {
  return {
    columns: [
      { name: 'customer', type: 'VARCHAR' },
      { name: 'total', type: 'DECIMAL(10,2)' },
      { name: 'n', type: 'BIGINT' },
    ],
    rows,
    rowCount: rows.length,
    truncated,
    tablesRead: [],
    elapsedMs: 1,
  };
}

describe('formatTable', () => {
  it('aligns columns, numbers to the right, and spells out NULL', () => {
    const text = formatTable(
      result([
        ['alice', '1050.50', 12],
        [null, '7.00', null],
      ]),
    );
    expect(text).toBe(
      [
        'customer |   total |    n',
        '---------+---------+-----',
        'alice    | 1050.50 |   12',
        'NULL     |    7.00 | NULL',
        '(2 rows)',
      ].join('\n'),
    );
  });

  it('keeps one line per row and says when rows were cut off', () => {
    const text = formatTable(result([['two\nlines', '1.00', 1]], true));
    expect(text.split('\n')[2]).toBe('two\\nlines |  1.00 | 1');
    expect(text).toMatch(/\(1 row\) — more rows were cut off; add a LIMIT/);
  });
});
