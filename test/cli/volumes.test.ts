import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, expectFailure, lakeward } from './run-cli.js';

const DAISY = resolve('../shared/data/images/daisy');
const VOLUME = 'bronze.media.photos';

let dir: string;
let home: string;
const run = (...args: string[]) => lakeward(home, ...args);
const ok = (...args: string[]) => {
  const result = run(...args);
  expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result.stdout;
};
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lakeward-cli-volumes-'));
  home = join(dir, 'lakehouse');
  ok('init');
  ok('namespace', 'create', 'bronze.media');
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('lakeward volumes', () => {
  it('creates a volume, uploads a folder into it and lists it', () => {
    expect(ok('volumes', 'create', VOLUME, '--description', 'Daisies')).toContain(
      `Created volume ${VOLUME}`,
    );
    const names = readdirSync(DAISY).sort();
    expect(ok('volumes', 'upload', VOLUME, DAISY, '--to', 'daisy')).toContain(
      `Uploaded ${names.length} file(s)`,
    );
    const files = JSON.parse(ok('volumes', 'ls', VOLUME, 'daisy/', '--json')) as {
      path: string;
      sha256: string;
    }[];
    expect(files.map((f) => f.path)).toEqual(names.map((n) => `daisy/${n}`));
    expect(files[0]!.sha256).toBe(sha256(readFileSync(join(DAISY, names[0]!))));
    expect(ok('volumes', 'show', VOLUME)).toMatch(new RegExp(`files:\\s+${names.length}`));
    expect(ok('volumes', 'list', 'bronze.media')).toContain(VOLUME);
  });

  it('queries the file table with SQL', () => {
    const out = ok(
      'query',
      `SELECT count(*) AS n, min(image_width) AS w FROM ${VOLUME} WHERE content_type = 'image/jpeg'`,
      '--format',
      'json',
    );
    expect(out).toContain('80');
  });

  it('downloads a file byte for byte', () => {
    const name = readdirSync(DAISY).sort()[3]!;
    const target = join(dir, 'copy.jpg');
    ok('volumes', 'download', VOLUME, `daisy/${name}`, '--output', target);
    expect(readFileSync(target).equals(readFileSync(join(DAISY, name)))).toBe(true);
  });

  it('reports a duplicate on upload and lists it, refuses to overwrite, then deletes it', () => {
    const name = readdirSync(DAISY).sort()[0]!;
    const photo = join(DAISY, name);
    expect(ok('volumes', 'upload', VOLUME, photo, '--to', 'copies')).toContain(
      `copies/${name}: same content as ${VOLUME}:daisy/${name}`,
    );
    expect(ok('volumes', 'duplicates', VOLUME)).toContain(`${VOLUME}:copies/${name}`);
    const again = expectFailure(run('volumes', 'upload', VOLUME, photo, '--to', 'copies'), 4);
    expect(again).toContain('--overwrite');
    ok('volumes', 'upload', VOLUME, photo, '--to', 'copies', '--overwrite');
    ok('volumes', 'rm', VOLUME, `copies/${name}`);
    expect(ok('volumes', 'duplicates', VOLUME)).toContain('(none)');
  });

  it('explains mistakes and shows examples', () => {
    expectFailure(run('volumes', 'upload', VOLUME, join(dir, 'nothing-here')), 2);
    expectFailure(run('volumes', 'show', 'bronze.media.nope'), 3);
    expect(ok('volumes', 'upload', '--help')).toContain('Examples:');
    ok('volumes', 'drop', VOLUME);
    expectFailure(run('volumes', 'ls', VOLUME), 3);
  });
});
