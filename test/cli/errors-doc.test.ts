import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODE } from '../../src/cli/exit-codes.js';
import { HTTP_STATUS } from '../../src/server/index.js';

const DOC = readFileSync('docs/errors.md', 'utf8');
const RAISED =
  /new (?:InvalidInput|NotFound|AlreadyExists|Conflict|PermissionDenied|Unauthenticated|Unavailable|TooLarge)\(\s*'([A-Z][A-Z0-9_]+)'/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('docs/errors.md', () => {
  it('lists every error code raised in src/', () => {
    const codes = new Set(
      sourceFiles('src').flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(RAISED)].map((m) => m[1]!),
      ),
    );
    const undocumented = [...codes].filter((code) => !DOC.includes(`\`${code}\``));
    expect(undocumented).toEqual([]);
  });

  it('states the HTTP status and exit code each edge really uses', () => {
    for (const [kind, status] of Object.entries(HTTP_STATUS)) {
      const exit = EXIT_CODE[kind as keyof typeof EXIT_CODE];
      expect(DOC).toContain(`| \`${kind}\` | ${status} | ${exit} |`);
    }
  });
});
