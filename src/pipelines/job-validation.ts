import { parseTableName } from '../catalog/index.js';
import { nextRunAfter } from '../crawler/index.js';
import { InvalidInput, LakewardError } from '../errors/index.js';
import type { JobDefinition, JobMode } from './contract.js';
import { JOB_MODES } from './contract.js';

/** A definition before its version is given; runAs null means "the creator". */
export type JobSpec = Omit<JobDefinition, 'version' | 'runAs'> & { runAs: string | null };

/** One thing wrong with a definition, at a path inside it (for YAML: a line). */
export interface JobIssue {
  path: (string | number)[];
  message: string;
}

export const TARGET_LAYERS = ['silver', 'gold'] as const;
const NAME = /^[a-z0-9][a-z0-9_-]{0,127}$/;
const ON_FAILURE = ['stop', 'quarantine'] as const;
const MAX_RETRIES = 10;
const MAX_BACKOFF_MS = 3_600_000;
export const DEFAULT_RETRIES = { max: 0, backoffMs: 1000 } as const;

const KEYS = [
  'name',
  'description',
  'target',
  'mode',
  'sql',
  'keys',
  'dedupe',
  'dedupeOrderBy',
  'schedule',
  'after',
  'runAs',
  'quality',
  'retries',
] as const;

export function checkJobName(name: unknown, issues: JobIssue[], path: JobIssue['path']): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    issues.push({
      path,
      message: `the job name ${JSON.stringify(name)} must be 1-128 of a-z, 0-9, _ and -, starting with a letter or digit`,
    });
    return '';
  }
  return name;
}

/**
 * Checks everything a definition can be checked for on its own (keys, types, mode,
 * cron, target layer, keys for merge) and fills in defaults. Every issue is reported,
 * not just the first, so a YAML file can be fixed in one go.
 */
export function checkJobShape(raw: unknown): { spec: JobSpec; issues: JobIssue[] } {
  const issues: JobIssue[] = [];
  const o = isObject(raw) ? raw : {};
  if (!isObject(raw)) issues.push({ path: [], message: 'a job is a mapping of keys to values' });
  for (const key of Object.keys(o)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      issues.push({ path: [key], message: `unknown key "${key}" (known: ${KEYS.join(', ')})` });
    }
  }
  const field = new Fields(o, issues);
  const name = checkJobName(o.name, issues, ['name']);
  const target = field.string('target', true) ?? '';
  if (target !== '') checkTarget(target, issues);
  const mode = field.string('mode', true) as JobMode | undefined;
  if (mode !== undefined && !(JOB_MODES as readonly string[]).includes(mode)) {
    issues.push({
      path: ['mode'],
      message: `unknown mode "${mode}" (one of ${JOB_MODES.join(', ')})`,
    });
  }
  const sql = field.string('sql', true) ?? '';
  const keys = field.strings('keys') ?? [];
  if (mode === 'merge' && keys.length === 0) {
    issues.push({ path: ['mode'], message: 'mode merge needs key columns in "keys" to upsert on' });
  }
  const dedupe = field.boolean('dedupe') ?? false;
  if (dedupe && keys.length === 0) {
    issues.push({ path: ['dedupe'], message: 'dedupe needs key columns in "keys"' });
  }
  const schedule = field.string('schedule') ?? null;
  if (schedule !== null) checkSchedule(schedule, issues);
  const after = field.strings('after') ?? [];
  after.forEach((upstream, i) => {
    if (upstream === name)
      issues.push({ path: ['after', i], message: 'a job cannot run after itself' });
  });
  return {
    spec: {
      name,
      description: field.string('description') ?? null,
      target,
      mode: mode ?? 'append',
      sql,
      keys,
      dedupe,
      dedupeOrderBy: field.string('dedupeOrderBy') ?? null,
      schedule,
      after: [...new Set(after)],
      runAs: field.string('runAs') ?? null,
      quality: checkQuality(o.quality, issues),
      retries: checkRetries(o.retries, issues),
    },
    issues,
  };
}

function checkTarget(target: string, issues: JobIssue[]): void {
  try {
    const ident = parseTableName(target);
    if (!(TARGET_LAYERS as readonly string[]).includes(ident.namespace[0] ?? '')) {
      issues.push({
        path: ['target'],
        message: `the target "${target}" is not in silver or gold; jobs promote data into those layers`,
      });
    }
  } catch (err) {
    issues.push({ path: ['target'], message: messageOf(err) });
  }
}

function checkSchedule(schedule: string, issues: JobIssue[]): void {
  try {
    nextRunAfter(schedule, new Date());
  } catch (err) {
    issues.push({ path: ['schedule'], message: messageOf(err) });
  }
}

function checkQuality(raw: unknown, issues: JobIssue[]): JobSpec['quality'] {
  if (raw === undefined || raw === null) return null;
  if (!isObject(raw)) {
    issues.push({ path: ['quality'], message: 'quality is a mapping with ruleset and onFailure' });
    return null;
  }
  unknownKeys(raw, ['ruleset', 'onFailure'], ['quality'], issues);
  const field = new Fields(raw, issues, ['quality']);
  const ruleset = field.string('ruleset', true) ?? '';
  const onFailure = field.string('onFailure') ?? 'stop';
  if (!(ON_FAILURE as readonly string[]).includes(onFailure)) {
    issues.push({
      path: ['quality', 'onFailure'],
      message: `onFailure is stop or quarantine, not "${onFailure}"`,
    });
  }
  return { ruleset, onFailure: onFailure === 'quarantine' ? 'quarantine' : 'stop' };
}

function checkRetries(raw: unknown, issues: JobIssue[]): JobSpec['retries'] {
  if (raw === undefined || raw === null) return { ...DEFAULT_RETRIES };
  if (!isObject(raw)) {
    issues.push({ path: ['retries'], message: 'retries is a mapping with max and backoffMs' });
    return { ...DEFAULT_RETRIES };
  }
  unknownKeys(raw, ['max', 'backoffMs'], ['retries'], issues);
  const field = new Fields(raw, issues, ['retries']);
  const max = field.integer('max', 0, MAX_RETRIES) ?? DEFAULT_RETRIES.max;
  const backoffMs = field.integer('backoffMs', 0, MAX_BACKOFF_MS) ?? DEFAULT_RETRIES.backoffMs;
  return { max, backoffMs };
}

function unknownKeys(
  o: Record<string, unknown>,
  known: string[],
  at: JobIssue['path'],
  issues: JobIssue[],
): void {
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) {
      issues.push({
        path: [...at, key],
        message: `unknown key "${key}" (known: ${known.join(', ')})`,
      });
    }
  }
}

/** Typed reads of one mapping; a wrong type is an issue at the key's path. */
class Fields {
  constructor(
    private readonly o: Record<string, unknown>,
    private readonly issues: JobIssue[],
    private readonly at: JobIssue['path'] = [],
  ) {}

  string(key: string, required = false): string | undefined {
    const v = this.o[key];
    if (v === undefined || v === null) {
      if (required) this.issues.push({ path: [...this.at, key], message: `"${key}" is required` });
      return undefined;
    }
    if (typeof v !== 'string' || (required && v.trim() === '')) {
      return this.#wrong(key, 'a non-empty text');
    }
    return v;
  }

  strings(key: string): string[] | undefined {
    const v = this.o[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) return this.#wrong(key, 'a list of texts');
    const out: string[] = [];
    v.forEach((item: unknown, i) => {
      if (typeof item === 'string' && item.trim() !== '') out.push(item);
      else
        this.issues.push({
          path: [...this.at, key, i],
          message: `"${key}" items must be non-empty texts`,
        });
    });
    return out;
  }

  boolean(key: string): boolean | undefined {
    const v = this.o[key];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'boolean' ? v : this.#wrong(key, 'true or false');
  }

  integer(key: string, min: number, max: number): number | undefined {
    const v = this.o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      return this.#wrong(key, `a whole number from ${min} to ${max}`);
    }
    return v;
  }

  #wrong(key: string, expected: string): undefined {
    const got = this.o[key];
    this.issues.push({
      path: [...this.at, key],
      message: `"${key}" must be ${expected}, not ${JSON.stringify(got)}`,
    });
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function messageOf(err: unknown): string {
  if (err instanceof LakewardError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

/** The error for a definition given as JSON (CLI flags, API): each issue with its path. */
export function invalidJob(name: string, issues: JobIssue[]): InvalidInput {
  const lines = issues.map(
    (i) => `${i.path.length === 0 ? '' : `${i.path.join('.')}: `}${i.message}`,
  );
  return new InvalidInput(
    'INVALID_JOB',
    `The job "${name}" is not valid: ${lines.join('; ').replace(/\.$/, '')}.`,
    {
      hint: 'Fix what is listed; `lakeward jobs create --help` shows the fields and an example.',
      details: { issues },
    },
  );
}
