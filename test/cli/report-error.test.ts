import { describe, expect, it } from 'vitest';
import { EXIT_CODE } from '../../src/cli/exit-codes.js';
import { reportError } from '../../src/cli/report-error.js';
import { debugEnabled } from '../../src/config/index.js';
import { NotFound, QueryTimeout, asLakewardError } from '../../src/errors/index.js';

function report(err: unknown, debug = false): { code: number; text: string } {
  let text = '';
  const code = reportError(err, { write: (chunk: string) => (text += chunk) }, debug);
  return { code, text };
}

describe('reportError', () => {
  it('prints the message and the hint, and exits by kind', () => {
    const { code, text } = report(
      new NotFound('TABLE_NOT_FOUND', 'Table bronze.a.b does not exist', { hint: 'list tables' }),
    );
    expect(text).toBe('error: Table bronze.a.b does not exist\nhint: list tables\n');
    expect(code).toBe(3);
    expect(report(new QueryTimeout('too slow')).code).toBe(6);
  });

  it('hides the cause of an internal error unless LAKEWARD_DEBUG=1', () => {
    const bug = new TypeError('cannot read properties of undefined');
    const quiet = report(bug);
    expect(quiet.code).toBe(EXIT_CODE.internal);
    expect(quiet.text).toMatch(/^error: An internal error occurred/);
    expect(quiet.text).toContain('LAKEWARD_DEBUG=1');
    expect(quiet.text).not.toContain('cannot read properties');
    expect(quiet.text).not.toMatch(/^\s+at /m);
    const loud = report(asLakewardError(bug), true);
    expect(loud.text).toContain('TypeError: cannot read properties of undefined');
    expect(loud.text).toMatch(/^\s+at /m);
  });

  it('shows details only when LAKEWARD_DEBUG is exactly 1', () => {
    expect(debugEnabled({ LAKEWARD_DEBUG: '1' })).toBe(true);
    expect(debugEnabled({ LAKEWARD_DEBUG: '' })).toBe(false);
    expect(debugEnabled({})).toBe(false);
  });
});
