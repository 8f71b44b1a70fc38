import { CronExpressionParser } from 'cron-parser';
import picomatch from 'picomatch';
import { parseNamespace } from '../catalog/index.js';
import { InvalidInput } from '../errors/index.js';
import type { CrawlerDefinitionRecord } from '../metastore/index.js';
import {
  DELETION_POLICIES,
  RECRAWL_MODES,
  SCHEMA_CHANGE_POLICIES,
  type CrawlerInput,
  type CrawlerPatch,
} from './contract.js';

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;
const PREFIX = /^[a-z0-9_]{0,64}$/;

export function checkCrawlerName(name: string): string {
  if (!NAME.test(name)) {
    throw new InvalidInput('INVALID_CRAWLER_NAME', `"${name}" is not a valid crawler name.`, {
      hint: 'Start with a letter; use letters, digits, - and _ (at most 128), e.g. bronze-crawler.',
    });
  }
  return name;
}

/** The definition with defaults filled in, every part checked (targets are checked apart). */
export function definitionOf(input: CrawlerInput): CrawlerDefinitionRecord {
  return checked({
    targets: input.targets,
    exclude: input.exclude ?? [],
    namespace: parseNamespace(input.namespace),
    tablePrefix: input.tablePrefix ?? '',
    schedule: input.schedule ?? null,
    schemaChangePolicy: input.schemaChangePolicy ?? 'update',
    deletionPolicy: input.deletionPolicy ?? 'deprecate',
    recrawl: input.recrawl ?? 'all',
    description: input.description ?? null,
  });
}

export function patchedDefinition(
  current: CrawlerDefinitionRecord,
  patch: CrawlerPatch,
): CrawlerDefinitionRecord {
  const defined = Object.fromEntries(
    Object.entries(patch).filter(([, v]) => v !== undefined),
  ) as CrawlerPatch;
  const { namespace, ...rest } = defined;
  return checked({
    ...current,
    ...rest,
    ...(namespace === undefined ? {} : { namespace: parseNamespace(namespace) }),
  });
}

function checked(d: CrawlerDefinitionRecord): CrawlerDefinitionRecord {
  if (d.targets.length === 0) {
    throw new InvalidInput('CRAWLER_TARGET_REQUIRED', 'A crawler needs at least one target.', {
      hint: 'Give a folder to crawl, e.g. --target file:///srv/landing/sales.',
    });
  }
  for (const glob of d.exclude) checkGlob(glob);
  if (!PREFIX.test(d.tablePrefix)) {
    throw new InvalidInput(
      'INVALID_TABLE_PREFIX',
      `The table prefix "${d.tablePrefix}" may only hold lower-case letters, digits and _.`,
      { hint: 'e.g. --prefix bronze_' },
    );
  }
  if (d.schedule !== null) nextRunAfter(d.schedule, new Date());
  oneOf('schema change policy', d.schemaChangePolicy, SCHEMA_CHANGE_POLICIES);
  oneOf('deletion policy', d.deletionPolicy, DELETION_POLICIES);
  oneOf('recrawl mode', d.recrawl, RECRAWL_MODES);
  return d;
}

/** The first time after `after` that the cron expression (UTC) names. */
export function nextRunAfter(schedule: string, after: Date): Date {
  const text = schedule.trim();
  const fields = text.split(/\s+/).length;
  // cron-parser fills missing fields with '*', so '0 3' would silently mean every day at 03:00.
  if (!text.startsWith('@') && (fields < 5 || fields > 6)) {
    throw invalidSchedule(schedule, `it has ${fields} fields, not 5 (or 6 with seconds)`);
  }
  try {
    return CronExpressionParser.parse(text, { tz: 'UTC', currentDate: after }).next().toDate();
  } catch (err) {
    throw invalidSchedule(schedule, err instanceof Error ? err.message : String(err));
  }
}

function invalidSchedule(schedule: string, why: string): InvalidInput {
  return new InvalidInput('INVALID_SCHEDULE', `"${schedule}" is not a cron expression: ${why}.`, {
    hint: 'Give five fields (minute hour day-of-month month day-of-week) in UTC, e.g. "0 3 * * *" for daily at 03:00.',
  });
}

function checkGlob(glob: string): void {
  let ok = glob.trim() !== '' && !glob.startsWith('/');
  try {
    if (ok) picomatch.makeRe(glob);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new InvalidInput('INVALID_EXCLUDE_GLOB', `"${glob}" is not an exclusion glob.`, {
      hint: 'Give a glob relative to the target, e.g. **/*.tmp or logs/**.',
    });
  }
}

function oneOf<T extends string>(what: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) {
    throw new InvalidInput('INVALID_CRAWLER_OPTION', `"${value}" is not a ${what}.`, {
      hint: `Use one of: ${allowed.join(', ')}.`,
    });
  }
}
