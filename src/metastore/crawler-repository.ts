import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { AlreadyExists, NotFound } from '../errors/index.js';
import { checkName, nowIso, toDate, toOptionalDate } from './codec.js';
import { translateConstraints } from './constraint-errors.js';
import type { CrawlerRunsTable, CrawlersTable } from './crawler-migration.js';
import type { Executor } from './executor.js';

/** What a crawler is told to do; stored as one JSON document, so it can grow. */
export interface CrawlerDefinitionRecord {
  /** file:///absolute/folder URLs. */
  targets: string[];
  /** Globs relative to each target. */
  exclude: string[];
  namespace: string[];
  tablePrefix: string;
  /** A cron expression (UTC), or null for manual runs only. */
  schedule: string | null;
  schemaChangePolicy: 'update' | 'log';
  deletionPolicy: 'deprecate' | 'delete' | 'log';
  recrawl: 'all' | 'new_folders';
  description: string | null;
}

export interface CrawlerRecord extends CrawlerDefinitionRecord {
  id: string;
  name: string;
  owner: string;
  nextRunAt: Date | null;
  runningRunId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type CrawlerRunStatus = 'running' | 'succeeded' | 'failed';

export interface CrawlerRunRecord {
  id: string;
  crawlerName: string;
  trigger: 'manual' | 'schedule';
  runAs: string;
  status: CrawlerRunStatus;
  startedAt: Date;
  endedAt: Date | null;
  error: string | null;
  /** The run's report as the crawler wrote it (JSON), null while running. */
  report: unknown;
}

/** Crawlers, their schedules and runs. */
export interface CrawlerRepository {
  create(
    c: { name: string; owner: string; nextRunAt: Date | null } & CrawlerDefinitionRecord,
  ): Promise<CrawlerRecord>;
  get(name: string): Promise<CrawlerRecord | undefined>;
  list(): Promise<CrawlerRecord[]>;
  update(
    name: string,
    patch: Partial<CrawlerDefinitionRecord> & { nextRunAt?: Date | null },
  ): Promise<CrawlerRecord>;
  /** Deletes the crawler with its runs and the folders it has seen; false when missing. */
  delete(name: string): Promise<boolean>;
  /**
   * Starts a run unless another one of the same crawler is under way (a run started
   * before staleBefore counts as abandoned by a crashed process); undefined if refused.
   */
  startRun(
    name: string,
    run: { trigger: 'manual' | 'schedule'; runAs: string; staleBefore: Date },
  ): Promise<CrawlerRunRecord | undefined>;
  finishRun(
    id: string,
    outcome: { status: 'succeeded' | 'failed'; error: string | null; report: unknown },
  ): Promise<CrawlerRunRecord>;
  /** Newest first. */
  listRuns(name: string, limit: number): Promise<CrawlerRunRecord[]>;
  /** Crawlers whose next run is due at `now`. */
  due(now: Date): Promise<CrawlerRecord[]>;
  /**
   * Moves a due crawler's next run from `expected` to `next`; false when another process
   * (or an update) moved it first, so each due time is run once.
   */
  claimSchedule(name: string, expected: Date, next: Date | null): Promise<boolean>;
  seenFolders(name: string): Promise<Set<string>>;
  addSeenFolders(name: string, paths: string[]): Promise<void>;
}

function crawlerNotFound(name: string): NotFound {
  return new NotFound('CRAWLER_NOT_FOUND', `No crawler is named "${name}".`, {
    hint: 'List crawlers with `lakeward crawlers list` to see which exist.',
  });
}

function toCrawler(row: Selectable<CrawlersTable>): CrawlerRecord {
  return {
    ...(JSON.parse(row.definition) as CrawlerDefinitionRecord),
    id: row.id,
    name: row.name,
    owner: row.owner,
    nextRunAt: toOptionalDate(row.next_run_at),
    runningRunId: row.running_run_id,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

function toRun(row: Selectable<CrawlerRunsTable>): CrawlerRunRecord {
  return {
    id: row.id,
    crawlerName: row.crawler_name,
    trigger: row.trigger === 'schedule' ? 'schedule' : 'manual',
    runAs: row.run_as,
    status: row.status as CrawlerRunStatus,
    startedAt: toDate(row.started_at),
    endedAt: toOptionalDate(row.ended_at),
    error: row.error,
    report: row.report === null ? null : (JSON.parse(row.report) as unknown),
  };
}

function definitionOf(c: CrawlerDefinitionRecord): CrawlerDefinitionRecord {
  return {
    targets: c.targets,
    exclude: c.exclude,
    namespace: c.namespace,
    tablePrefix: c.tablePrefix,
    schedule: c.schedule,
    schemaChangePolicy: c.schemaChangePolicy,
    deletionPolicy: c.deletionPolicy,
    recrawl: c.recrawl,
    description: c.description,
  };
}

export function crawlerRepository(executor: Executor): CrawlerRepository {
  const { db } = executor;
  const row = (name: string) =>
    db.selectFrom('crawlers').selectAll().where('name', '=', name).executeTakeFirst();
  const required = async (name: string) => {
    const found = await row(name);
    if (found === undefined) throw crawlerNotFound(name);
    return found;
  };

  return {
    async create(c) {
      const now = nowIso();
      const values = {
        id: randomUUID(),
        name: checkName(c.name, 'crawler'),
        definition: JSON.stringify(definitionOf(c)),
        owner: c.owner,
        next_run_at: c.nextRunAt?.toISOString() ?? null,
        running_run_id: null,
        running_since: null,
        created_at: now,
        updated_at: now,
      };
      await translateConstraints(() => db.insertInto('crawlers').values(values).execute(), {
        unique: () =>
          new AlreadyExists(
            'CRAWLER_ALREADY_EXISTS',
            `A crawler named "${c.name}" already exists.`,
            {
              hint: 'Choose another name, or update the existing crawler.',
            },
          ),
      });
      return toCrawler(values);
    },

    async get(name) {
      const found = await row(name);
      return found === undefined ? undefined : toCrawler(found);
    },

    async list() {
      const rows = await db.selectFrom('crawlers').selectAll().execute();
      return rows.map(toCrawler).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },

    async update(name, patch) {
      return executor.atomic(async (tx) => {
        const found = await tx
          .selectFrom('crawlers')
          .selectAll()
          .where('name', '=', name)
          .executeTakeFirst();
        if (found === undefined) throw crawlerNotFound(name);
        const { nextRunAt, ...definition } = patch;
        const merged = definitionOf({ ...toCrawler(found), ...definition });
        const set = {
          definition: JSON.stringify(merged),
          updated_at: nowIso(),
          ...(nextRunAt === undefined ? {} : { next_run_at: nextRunAt?.toISOString() ?? null }),
        };
        await tx.updateTable('crawlers').set(set).where('id', '=', found.id).execute();
        return toCrawler({ ...found, ...set });
      });
    },

    async delete(name) {
      return executor.atomic(async (tx) => {
        const found = await tx
          .selectFrom('crawlers')
          .select('id')
          .where('name', '=', name)
          .executeTakeFirst();
        if (found === undefined) return false;
        await tx.deleteFrom('crawler_folders').where('crawler_id', '=', found.id).execute();
        await tx.deleteFrom('crawler_runs').where('crawler_id', '=', found.id).execute();
        await tx.deleteFrom('crawlers').where('id', '=', found.id).execute();
        return true;
      });
    },

    async startRun(name, run) {
      return executor.atomic(async (tx) => {
        const found = await tx
          .selectFrom('crawlers')
          .selectAll()
          .where('name', '=', name)
          .executeTakeFirst();
        if (found === undefined) throw crawlerNotFound(name);
        const id = randomUUID();
        const now = nowIso();
        // One conditional update decides, so two processes cannot both start a run.
        const claimed = await tx
          .updateTable('crawlers')
          .set({ running_run_id: id, running_since: now })
          .where('id', '=', found.id)
          .where((eb) =>
            eb.or([
              eb('running_run_id', 'is', null),
              eb('running_since', '<', run.staleBefore.toISOString()),
            ]),
          )
          .executeTakeFirst();
        if (claimed.numUpdatedRows === 0n) return undefined;
        if (found.running_run_id !== null) {
          await tx
            .updateTable('crawler_runs')
            .set({ status: 'failed', ended_at: now, error: 'abandoned: its process stopped' })
            .where('id', '=', found.running_run_id)
            .where('status', '=', 'running')
            .execute();
        }
        const values = {
          id,
          crawler_id: found.id,
          crawler_name: found.name,
          trigger: run.trigger,
          run_as: run.runAs,
          status: 'running',
          started_at: now,
          ended_at: null,
          error: null,
          report: null,
        };
        await tx.insertInto('crawler_runs').values(values).execute();
        return toRun(values);
      });
    },

    async finishRun(id, outcome) {
      return executor.atomic(async (tx) => {
        const set = {
          status: outcome.status,
          ended_at: nowIso(),
          error: outcome.error,
          report: JSON.stringify(outcome.report),
        };
        await tx.updateTable('crawler_runs').set(set).where('id', '=', id).execute();
        await tx
          .updateTable('crawlers')
          .set({ running_run_id: null, running_since: null })
          .where('running_run_id', '=', id)
          .execute();
        const found = await tx
          .selectFrom('crawler_runs')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        return toRun(found);
      });
    },

    async listRuns(name, limit) {
      const { id } = await required(name);
      const rows = await db
        .selectFrom('crawler_runs')
        .selectAll()
        .where('crawler_id', '=', id)
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toRun);
    },

    async due(now) {
      const rows = await db
        .selectFrom('crawlers')
        .selectAll()
        .where('next_run_at', 'is not', null)
        .where('next_run_at', '<=', now.toISOString())
        .execute();
      return rows.map(toCrawler);
    },

    async claimSchedule(name, expected, next) {
      const result = await db
        .updateTable('crawlers')
        .set({ next_run_at: next?.toISOString() ?? null })
        .where('name', '=', name)
        .where('next_run_at', '=', expected.toISOString())
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    async seenFolders(name) {
      const { id } = await required(name);
      const rows = await db
        .selectFrom('crawler_folders')
        .select('path')
        .where('crawler_id', '=', id)
        .execute();
      return new Set(rows.map((r) => r.path));
    },

    async addSeenFolders(name, paths) {
      if (paths.length === 0) return;
      const { id } = await required(name);
      const now = nowIso();
      await executor.atomic(async (tx) => {
        for (let i = 0; i < paths.length; i += 200) {
          await tx
            .insertInto('crawler_folders')
            .values(
              paths.slice(i, i + 200).map((path) => ({ crawler_id: id, path, first_seen_at: now })),
            )
            .onConflict((oc) => oc.columns(['crawler_id', 'path']).doNothing())
            .execute();
        }
      });
    },
  };
}
