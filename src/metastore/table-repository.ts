import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AlreadyExists, InvalidInput, NotFound } from '../errors/index.js';
import {
  byName,
  checkName,
  displayName,
  fromProperties,
  namespaceKey,
  namespacePath,
  nowIso,
  toDate,
  toProperties,
} from './codec.js';
import { translateConstraints } from './constraint-errors.js';
import type { Database } from './database.js';
import type { Executor } from './executor.js';
import { namespaceId, namespaceNotFound } from './namespace-repository.js';
import { TableKind } from './repositories.js';
import type { TableRecord, TableRepository } from './repositories.js';

const kinds: readonly string[] = Object.values(TableKind);

function selectTables(db: Kysely<Database>) {
  return db
    .selectFrom('tables')
    .innerJoin('namespaces', 'namespaces.id', 'tables.namespace_id')
    .selectAll('tables')
    .select('namespaces.key as namespace_key');
}

type TableRow = Awaited<ReturnType<ReturnType<typeof selectTables>['executeTakeFirstOrThrow']>>;

function toRecord(row: TableRow): TableRecord {
  return {
    id: row.id,
    namespace: namespacePath(row.namespace_key),
    name: row.name,
    kind: row.kind as TableKind,
    metadataLocation: row.metadata_location,
    location: row.location,
    description: row.description,
    owner: row.owner,
    properties: toProperties(row.properties),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

function tableExists(namespace: readonly string[], name: string): AlreadyExists {
  return new AlreadyExists(
    'TABLE_ALREADY_EXISTS',
    `The table ${displayName([...namespace, name])} already exists.`,
    { hint: 'Choose another name, or drop the existing table first.' },
  );
}

function tableNotFound(what: string): NotFound {
  return new NotFound('TABLE_NOT_FOUND', `The table ${what} does not exist.`, {
    hint: 'List the tables of the namespace to see which exist.',
  });
}

async function byId(db: Kysely<Database>, id: string): Promise<TableRecord> {
  const row = await selectTables(db).where('tables.id', '=', id).executeTakeFirst();
  if (!row) throw tableNotFound(`with id ${id}`);
  return toRecord(row);
}

export function tableRepository(executor: Executor): TableRepository {
  const { db } = executor;

  return {
    async create(t) {
      checkName(t.name, 'table');
      if (!kinds.includes(t.kind)) {
        throw new InvalidInput('INVALID_TABLE_KIND', `"${t.kind}" is not a table kind.`, {
          hint: `Use one of: ${kinds.join(', ')}.`,
        });
      }
      const now = nowIso();
      return executor.atomic(async (tx) => {
        const row = {
          id: randomUUID(),
          namespace_id: await namespaceId(tx, t.namespace),
          name: t.name,
          kind: t.kind,
          metadata_location: t.metadataLocation,
          location: t.location,
          description: t.description ?? null,
          owner: t.owner ?? null,
          properties: fromProperties(t.properties),
          created_at: now,
          updated_at: now,
        };
        await translateConstraints(() => tx.insertInto('tables').values(row).execute(), {
          unique: () => tableExists(t.namespace, t.name),
          foreignKey: () => namespaceNotFound(t.namespace),
        });
        return toRecord({ ...row, namespace_key: namespaceKey(t.namespace) });
      });
    },

    async get(namespace, name) {
      const row = await selectTables(db)
        .where('namespaces.key', '=', namespaceKey(namespace))
        .where('tables.name', '=', name)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async getById(id) {
      const row = await selectTables(db).where('tables.id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },

    async list(namespace) {
      const id = await namespaceId(db, namespace);
      const rows = await selectTables(db).where('tables.namespace_id', '=', id).execute();
      return rows.sort(byName).map(toRecord);
    },

    async compareAndSwapMetadata(id, expected, next) {
      const result = await db
        .updateTable('tables')
        .set({ metadata_location: next, updated_at: nowIso() })
        .where('id', '=', id)
        .where('metadata_location', expected === null ? 'is' : '=', expected)
        .executeTakeFirst();
      if (result.numUpdatedRows === 1n) return true;
      if (!(await db.selectFrom('tables').select('id').where('id', '=', id).executeTakeFirst())) {
        throw tableNotFound(`with id ${id}`);
      }
      return false;
    },

    async update(id, patch) {
      const result = await db
        .updateTable('tables')
        .set({
          ...(patch.properties !== undefined && { properties: fromProperties(patch.properties) }),
          ...(patch.description !== undefined && { description: patch.description }),
          ...(patch.owner !== undefined && { owner: patch.owner }),
          updated_at: nowIso(),
        })
        .where('id', '=', id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw tableNotFound(`with id ${id}`);
      return byId(db, id);
    },

    async rename(id, to) {
      checkName(to.name, 'table');
      return executor.atomic(async (tx) => {
        const target = await namespaceId(tx, to.namespace);
        const result = await translateConstraints(
          () =>
            tx
              .updateTable('tables')
              .set({ namespace_id: target, name: to.name, updated_at: nowIso() })
              .where('id', '=', id)
              .executeTakeFirst(),
          { unique: () => tableExists(to.namespace, to.name) },
        );
        if (result.numUpdatedRows === 0n) throw tableNotFound(`with id ${id}`);
        return byId(tx, id);
      });
    },

    async delete(id) {
      const result = await db.deleteFrom('tables').where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw tableNotFound(`with id ${id}`);
    },
  };
}
