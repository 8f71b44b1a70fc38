import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { AlreadyExists, NotFound } from '../errors/index.js';
import { checkName, nowIso, toDate, toOptionalDate } from './codec.js';
import { translateConstraints } from './constraint-errors.js';
import type { Executor } from './executor.js';
import type { StreamsTable } from './stream-migration.js';
import type { StreamLeaseColumns } from './stream-lease-migration.js';
import { streamLeases } from './stream-lease-repository.js';
import type { StreamLeases } from './stream-lease-repository.js';

export type { StreamLease, StreamLeaseHolder, StreamLeases } from './stream-lease-repository.js';

export type StreamStateRecord = 'running' | 'paused' | 'failed';

export interface StreamRow {
  id: string;
  name: string;
  /** The definition as the streams service wrote it (stored as JSON, so it can grow). */
  definition: Record<string, unknown>;
  state: StreamStateRecord;
  /** Why the stream failed; null unless failed. */
  error: string | null;
  runAs: string;
  createdAt: Date;
  /** Moves on every change of definition or state (not on status reports). */
  updatedAt: Date;
}

export interface StreamStatusRow {
  /** The status as its runner reported it (JSON). */
  status: Record<string, unknown>;
  at: Date;
}

/**
 * Stream definitions, their state, the last status their runner reported, and which
 * server runs each (its lease).
 */
export interface StreamRepository extends StreamLeases {
  create(s: {
    name: string;
    definition: Record<string, unknown>;
    state: StreamStateRecord;
    runAs: string;
  }): Promise<StreamRow>;
  get(name: string): Promise<StreamRow | undefined>;
  getById(id: string): Promise<StreamRow | undefined>;
  /** Ordered by name. */
  list(): Promise<StreamRow[]>;
  /** Sets the state (and its error, null to clear); STREAM_NOT_FOUND when missing. */
  setState(name: string, state: StreamStateRecord, error: string | null): Promise<StreamRow>;
  /** Deletes the stream and its status; false when missing. */
  delete(name: string): Promise<boolean>;
  /** Records the runner's latest status; nothing when the stream was deleted meanwhile. */
  saveStatus(id: string, status: Record<string, unknown>, at: Date): Promise<void>;
  status(id: string): Promise<StreamStatusRow | undefined>;
}

function streamNotFound(name: string): NotFound {
  return new NotFound('STREAM_NOT_FOUND', `No stream is named "${name}".`, {
    hint: 'List streams with `lakeward streams list` to see which exist.',
  });
}

/** The lease is not part of a stream's definition: see streamLeases. */
function toStream(row: Omit<Selectable<StreamsTable>, keyof StreamLeaseColumns>): StreamRow {
  return {
    id: row.id,
    name: row.name,
    definition: JSON.parse(row.definition) as Record<string, unknown>,
    state: row.state as StreamStateRecord,
    error: row.error,
    runAs: row.run_as,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

export function streamRepository(executor: Executor): StreamRepository {
  const { db } = executor;
  const select = () => db.selectFrom('streams').selectAll();
  return {
    ...streamLeases(executor),
    async create(s) {
      const now = nowIso();
      const values = {
        id: randomUUID(),
        name: checkName(s.name, 'stream'),
        definition: JSON.stringify(s.definition),
        state: s.state,
        error: null,
        run_as: s.runAs,
        status: null,
        status_at: null,
        created_at: now,
        updated_at: now,
      };
      await translateConstraints(() => db.insertInto('streams').values(values).execute(), {
        unique: () =>
          new AlreadyExists('STREAM_ALREADY_EXISTS', `A stream named "${s.name}" already exists.`, {
            hint: 'Choose another name, or delete the existing stream first (its table stays).',
          }),
      });
      return toStream(values);
    },

    async get(name) {
      const row = await select().where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : toStream(row);
    },

    async getById(id) {
      const row = await select().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toStream(row);
    },

    async list() {
      const rows = await select().execute();
      return rows.map(toStream).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },

    async setState(name, state, error) {
      const set = { state, error, updated_at: nowIso() };
      const result = await db
        .updateTable('streams')
        .set(set)
        .where('name', '=', name)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw streamNotFound(name);
      const row = await select().where('name', '=', name).executeTakeFirstOrThrow();
      return toStream(row);
    },

    async delete(name) {
      const result = await db.deleteFrom('streams').where('name', '=', name).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async saveStatus(id, status, at) {
      await db
        .updateTable('streams')
        .set({ status: JSON.stringify(status), status_at: at.toISOString() })
        .where('id', '=', id)
        .execute();
    },

    async status(id) {
      const row = await db
        .selectFrom('streams')
        .select(['status', 'status_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      const at = toOptionalDate(row?.status_at ?? null);
      if (row?.status == null || at === null) return undefined;
      return { status: JSON.parse(row.status) as Record<string, unknown>, at };
    },
  };
}
