import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve('.');
const BUILT_CLI = join(ROOT, 'dist', 'cli', 'main.js');

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestSourceMtime(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

/**
 * The tests drive the built CLI, exactly what users run. Rebuilds only when a source
 * file is newer than the build; type errors elsewhere in the tree do not block emit.
 */
export function ensureBuilt(): void {
  withBuildLock(() => {
    if (isFresh()) return;
    spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      { cwd: ROOT, stdio: 'ignore' },
    );
    if (!existsSync(BUILT_CLI)) {
      throw new Error('tsc -p tsconfig.build.json did not produce dist/cli/main.js');
    }
  });
}

function isFresh(): boolean {
  return (
    existsSync(BUILT_CLI) && statSync(BUILT_CLI).mtimeMs > newestSourceMtime(join(ROOT, 'src'))
  );
}

/** Test files run in parallel; one builds while the others wait for it. */
function withBuildLock(build: () => void): void {
  const lock = join(ROOT, 'dist', '.cli-test-build.lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} is held; remove it if no test runs`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function lakeward(home: string, ...args: string[]): CliRun {
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'bin/lakeward.js'), '--home', home, ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, LAKEWARD_DEBUG: '', LAKEWARD_LOG_LEVEL: 'silent' },
      timeout: 120_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A failure a user can act on: non-zero exit, `error:` and `hint:` lines, no stack trace. */
export function expectFailure(run: CliRun, exitCode: number): string {
  if (run.code !== exitCode) {
    throw new Error(`expected exit ${exitCode}, got ${run.code}\n${run.stdout}\n${run.stderr}`);
  }
  if (!run.stderr.startsWith('error: ') || !run.stderr.includes('\nhint: ')) {
    throw new Error(`expected error: and hint: lines, got:\n${run.stderr}`);
  }
  if (/^\s+at /m.test(run.stderr)) throw new Error(`stack trace shown:\n${run.stderr}`);
  return run.stderr;
}
