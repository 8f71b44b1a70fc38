// A home served by a real `lakeward serve` process: what crash tests kill with SIGKILL
// and benchmarks measure (its peak RSS is the server's alone).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureBuilt, lakeward } from '../cli/run-cli.js';
import { allowSources, testBrokerSources } from '../services/allowed-sources.js';

export interface ServedHome {
  home: string;
  /** The admin token `lakeward init` printed. */
  token: string;
  /** Base URL of the running server; changes on every start (port 0). */
  url: string;
  pid: number;
  /** Starts the server (again) on the same home. */
  start(): Promise<void>;
  /** SIGKILL: no shutdown code runs. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<void>;
  /** Peak resident memory of the current server process so far, in bytes (Linux VmHWM). */
  peakRss(): number;
  /** Calls the API as the admin. */
  api(path: string, init?: RequestInit): Promise<Response>;
}

export async function serveHome(
  home: string,
  env: Record<string, string> = {},
): Promise<ServedHome> {
  ensureBuilt();
  const init = lakeward(home, 'init');
  const token = /lw_\S+/.exec(init.stdout)?.[0];
  if (token === undefined) throw new Error(`lakeward init printed no token: ${init.stderr}`);
  allowSources(home, testBrokerSources());
  let child: ChildProcess | undefined;
  const served: ServedHome = {
    home,
    token,
    url: '',
    pid: 0,
    async start() {
      const started = await startServer(home, env);
      child = started.child;
      served.url = started.url;
      served.pid = started.child.pid ?? 0;
    },
    async kill() {
      await stopWith(child, 'SIGKILL');
      child = undefined;
    },
    async stop() {
      await stopWith(child, 'SIGTERM');
      child = undefined;
    },
    peakRss() {
      const status = readFileSync(`/proc/${served.pid}/status`, 'utf8');
      const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
      return Number(kb ?? 0) * 1024;
    },
    api(path, requestInit = {}) {
      const headers = new Headers(requestInit.headers);
      headers.set('authorization', `Bearer ${token}`);
      return fetch(`${served.url}${path}`, { ...requestInit, headers });
    },
  };
  await served.start();
  return served;
}

function startServer(
  home: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [resolve('bin/lakeward.js'), 'serve', '--home', home, '--port', '0'],
    { env: { ...process.env, LAKEWARD_LOG_LEVEL: 'silent', ...env } },
  );
  return new Promise((done, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /on (http:\/\/\S+:\d+)/.exec(stderr);
      if (match) done({ child, url: match[1]! });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
}

function stopWith(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill(signal);
  });
}
