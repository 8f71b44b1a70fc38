import { describe, expect, it } from 'vitest';
import { safeFileName } from '../../src/server/uploads.js';

describe('safeFileName', () => {
  it('keeps uploads inside their folder whatever name the client sends', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\me\\day 1.csv')).toBe('day_1.csv');
    expect(safeFileName('..')).toBe('upload');
    expect(safeFileName('.hidden.csv')).toBe('hidden.csv');
    expect(safeFileName('')).toBe('upload');
    expect(safeFileName('sales-2011_02.csv.gz')).toBe('sales-2011_02.csv.gz');
  });
});
