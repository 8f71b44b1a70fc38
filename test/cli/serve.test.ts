import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, expectFailure, lakeward } from './run-cli.js';

let dir: string;
let home: string;
let token: string;
let server: ChildProcess | undefined;

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lakeward-serve-'));
  home = join(dir, 'lakehouse');
  token = /lw_\S+/.exec(lakeward(home, 'init').stdout)![0];
}, 300_000);

afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `lakeward serve` on a free port and resolves with its base URL. */
function serve(): Promise<string> {
  const child = spawn(
    process.execPath,
    [resolve('bin/lakeward.js'), 'serve', '--home', home, '--port', '0'],
    { env: { ...process.env, LAKEWARD_LOG_LEVEL: 'silent' } },
  );
  server = child;
  return new Promise((resolveUrl, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /on (http:\/\/\S+:\d+)/.exec(stderr);
      if (match) resolveUrl(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
}

describe('lakeward serve', () => {
  it('serves the API with token auth and stops cleanly on SIGTERM', async () => {
    const url = await serve();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/api/v1/namespaces`)).status).toBe(401);
    const listed = await fetch(`${url}/api/v1/namespaces`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(listed.status).toBe(200);
    const port = new URL(url).port;
    const second = lakeward(home, 'serve', '--port', port);
    expect(expectFailure(second, 7)).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    const exited = new Promise<number | null>((done) => server!.on('exit', (code) => done(code)));
    server!.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
