import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { InvalidInput } from '../errors/index.js';
import { configSchema, type LakewardConfig } from './schema.js';

export const CONFIG_FILE = 'lakeward.yaml';
export const DEFAULT_HOME = 'lakehouse';

export interface LoadOptions {
  /** --home, if given. */
  home?: string;
  /** Values from command-line flags, in the config's shape; they win over everything. */
  overrides?: Record<string, unknown>;
  /** The environment to read LAKEWARD_* from (the process's by default). */
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** Environment variables, by the config path they set. */
const ENV_KEYS: Record<string, readonly string[]> = {
  LAKEWARD_WAREHOUSE: ['warehouse'],
  LAKEWARD_METASTORE: ['metastore'],
  LAKEWARD_SERVER_HOST: ['server', 'host'],
  LAKEWARD_SERVER_PORT: ['server', 'port'],
  LAKEWARD_QUERY_TIMEOUT_MS: ['query', 'timeoutMs'],
  LAKEWARD_QUERY_MEMORY_LIMIT: ['query', 'memoryLimit'],
  LAKEWARD_QUERY_THREADS: ['query', 'threads'],
  LAKEWARD_LOG_LEVEL: ['logLevel'],
  LAKEWARD_GOVERNANCE_MASK_HASH_KEY: ['governance', 'maskHashKey'],
  LAKEWARD_AUDIT_RETENTION_DAYS: ['audit', 'retentionDays'],
};

/** LAKEWARD_DEBUG=1 asks for stack traces with errors. */
export function debugEnabled(env: Record<string, string | undefined> = process.env): boolean {
  return env.LAKEWARD_DEBUG === '1';
}

/**
 * LAKEWARD_TOKEN makes the CLI act as that token's principal (checked like an API
 * call) instead of as the home's local admin.
 */
export function tokenFromEnv(
  env: Record<string, string | undefined> = process.env,
): string | undefined {
  const token = env.LAKEWARD_TOKEN?.trim();
  return token === undefined || token === '' ? undefined : token;
}

export function resolveHome(options: LoadOptions = {}): string {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  return resolve(cwd, options.home ?? env.LAKEWARD_HOME ?? DEFAULT_HOME);
}

export function defaultsFor(home: string): Record<string, unknown> {
  return {
    home,
    warehouse: pathToFileURL(join(home, 'warehouse')).href,
    metastore: `sqlite:${join(home, 'metastore.db')}`,
  };
}

/** Defaults < lakeward.yaml < LAKEWARD_* < flags; validated once and frozen. */
export function loadConfig(options: LoadOptions = {}): LakewardConfig {
  const env = options.env ?? process.env;
  const home = resolveHome(options);
  const merged = deepMerge(defaultsFor(home), readConfigFile(home));
  for (const [name, path] of Object.entries(ENV_KEYS)) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') setPath(merged, path, coerce(raw));
  }
  const final = deepMerge(merged, options.overrides ?? {});
  final.home = home;
  return parseConfig(final);
}

export function parseConfig(raw: unknown): LakewardConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new InvalidInput(
      'INVALID_CONFIG',
      `The configuration is not valid: ${issues.join('; ')}`,
      {
        hint: `Fix ${CONFIG_FILE} or the LAKEWARD_* variables; see README.md, "Configuration".`,
      },
    );
  }
  return deepFreeze(result.data);
}

function readConfigFile(home: string): Record<string, unknown> {
  const file = join(home, CONFIG_FILE);
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InvalidInput(
      'INVALID_CONFIG',
      `${file} is not valid YAML: ${(err as Error).message}`,
      {
        hint: 'Fix the YAML syntax at the line shown.',
      },
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidInput('INVALID_CONFIG', `${file} must hold a mapping of settings.`);
  }
  return parsed as Record<string, unknown>;
}

function coerce(raw: string): unknown {
  return /^-?\d+$/.test(raw) ? Number(raw) : raw;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = typeof next === 'object' && next !== null ? next : {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const prev = out[key];
    out[key] =
      isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : structuredClone(value);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
