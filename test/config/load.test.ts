import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { InvalidInput } from '../../src/errors/index.js';

function home(yaml?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lakeward-config-'));
  if (yaml !== undefined) writeFileSync(join(dir, 'lakeward.yaml'), yaml);
  return dir;
}

describe('configuration', () => {
  it('needs nothing: embedded defaults inside the home', () => {
    const dir = home();
    const config = loadConfig({ home: dir, env: {} });
    expect(config.warehouse).toBe(`file://${join(dir, 'warehouse')}`);
    expect(config.metastore).toBe(`sqlite:${join(dir, 'metastore.db')}`);
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(config.query.memoryLimit).toMatch(/^\d+MB$/);
    expect(Object.isFrozen(config.server)).toBe(true);
  });

  it('takes the file, then LAKEWARD_* variables, then flags, in that order', () => {
    const dir = home('server:\n  port: 9000\n  host: 0.0.0.0\nquery:\n  timeoutMs: 5000\n');
    const env = { LAKEWARD_SERVER_PORT: '9100', LAKEWARD_QUERY_MEMORY_LIMIT: '3GB' };
    const config = loadConfig({ home: dir, env, overrides: { server: { port: 9200 } } });
    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 9200 });
    expect(config.query).toMatchObject({ timeoutMs: 5000, memoryLimit: '3GB' });
  });

  it('finds the home from LAKEWARD_HOME when no --home is given', () => {
    const dir = home('logLevel: warn\n');
    expect(loadConfig({ env: { LAKEWARD_HOME: dir } }).logLevel).toBe('warn');
  });

  it('says which setting is wrong and where to fix it', () => {
    const dir = home(
      'server:\n  port: seventy\n  advertisedUrl: a:8080\nquery:\n  memoryLimit: lots\n',
    );
    const error = (() => {
      try {
        loadConfig({ home: dir, env: {} });
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).message).toMatch(/server\.port/);
    expect((error as InvalidInput).message).toMatch(/query\.memoryLimit/);
    expect((error as InvalidInput).message).toMatch(/server\.advertisedUrl/);
    expect((error as InvalidInput).hint).toMatch(/lakeward\.yaml/);
  });

  it('refuses unknown settings and broken YAML', () => {
    expect(() => loadConfig({ home: home('sever: {}\n'), env: {} })).toThrow(/sever/);
    expect(() => loadConfig({ home: home('server: [\n'), env: {} })).toThrow(/not valid YAML/);
  });
});
