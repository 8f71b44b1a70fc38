import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import { AlreadyExists, Conflict, InvalidInput, NotFound } from '../errors/index.js';
import {
  NAMESPACE_SEPARATOR,
  byName,
  displayName,
  fromProperties,
  namespaceKey,
  namespacePath,
  nowIso,
  toDate,
  toProperties,
} from './codec.js';
import { translateConstraints } from './constraint-errors.js';
import type { Database, NamespacesTable } from './database.js';
import type { Executor } from './executor.js';
import type { NamespaceRecord, NamespaceRepository } from './repositories.js';

type NamespaceRow = Selectable<NamespacesTable>;

function toRecord(row: NamespaceRow): NamespaceRecord {
  return {
    path: namespacePath(row.key),
    properties: toProperties(row.properties),
    description: row.description,
    owner: row.owner,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

export function namespaceNotFound(path: readonly string[]): NotFound {
  return new NotFound('NAMESPACE_NOT_FOUND', `The namespace ${displayName(path)} does not exist.`, {
    hint: 'List namespaces to see which exist, or create it first.',
    details: { namespace: [...path] },
  });
}

function namespaceExists(path: readonly string[]): AlreadyExists {
  return new AlreadyExists(
    'NAMESPACE_ALREADY_EXISTS',
    `The namespace ${displayName(path)} already exists.`,
    {
      hint: 'Choose another name, or use the existing namespace.',
      details: { namespace: [...path] },
    },
  );
}

async function findRow(db: Kysely<Database>, path: readonly string[]) {
  return db
    .selectFrom('namespaces')
    .selectAll()
    .where('key', '=', namespaceKey(path))
    .executeTakeFirst();
}

/** The id of a namespace, for tables and children that point at it. */
export async function namespaceId(db: Kysely<Database>, path: readonly string[]): Promise<string> {
  const row = await db
    .selectFrom('namespaces')
    .select('id')
    .where('key', '=', namespaceKey(path))
    .executeTakeFirst();
  if (!row) throw namespaceNotFound(path);
  return row.id;
}

/** null for a top-level namespace; the parent must exist otherwise. */
async function parentId(db: Kysely<Database>, path: readonly string[]): Promise<string | null> {
  return path.length === 1 ? null : namespaceId(db, path.slice(0, -1));
}

export function namespaceRepository(executor: Executor): NamespaceRepository {
  const { db } = executor;

  return {
    async create(ns) {
      const key = namespaceKey(ns.path);
      const now = nowIso();
      return executor.atomic(async (tx) => {
        const row = {
          id: randomUUID(),
          key,
          parent_id: await parentId(tx, ns.path),
          name: ns.path[ns.path.length - 1] as string,
          properties: fromProperties(ns.properties),
          description: ns.description ?? null,
          owner: ns.owner ?? null,
          created_at: now,
          updated_at: now,
        };
        await translateConstraints(() => tx.insertInto('namespaces').values(row).execute(), {
          unique: () => namespaceExists(ns.path),
          foreignKey: () => namespaceNotFound(ns.path.slice(0, -1)),
        });
        return toRecord(row);
      });
    },

    async get(path) {
      const row = await findRow(db, path);
      return row && toRecord(row);
    },

    async listChildren(parent) {
      let query = db.selectFrom('namespaces').selectAll();
      query =
        parent.length === 0
          ? query.where('parent_id', 'is', null)
          : query.where('parent_id', '=', await namespaceId(db, parent));
      const rows = await query.execute();
      return rows.sort(byName).map(toRecord);
    },

    async update(path, patch) {
      const result = await db
        .updateTable('namespaces')
        .set({
          ...(patch.properties !== undefined && { properties: fromProperties(patch.properties) }),
          ...(patch.description !== undefined && { description: patch.description }),
          ...(patch.owner !== undefined && { owner: patch.owner }),
          updated_at: nowIso(),
        })
        .where('key', '=', namespaceKey(path))
        .returningAll()
        .executeTakeFirst();
      if (!result) throw namespaceNotFound(path);
      return toRecord(result);
    },

    async rename(from, to) {
      const fromKey = namespaceKey(from);
      const toKey = namespaceKey(to);
      if (toKey === fromKey) return;
      if (toKey.startsWith(fromKey + NAMESPACE_SEPARATOR)) {
        throw new InvalidInput(
          'INVALID_RENAME',
          `The namespace ${displayName(from)} cannot move inside itself (${displayName(to)}).`,
          { hint: 'Choose a target outside the namespace being renamed.' },
        );
      }
      await executor.atomic(async (tx) => {
        const id = await namespaceId(tx, from);
        const newParent = await parentId(tx, to);
        await translateConstraints(
          () =>
            tx
              .updateTable('namespaces')
              .set({
                key: toKey,
                parent_id: newParent,
                name: to[to.length - 1] as string,
                updated_at: nowIso(),
              })
              .where('id', '=', id)
              .execute(),
          { unique: () => namespaceExists(to) },
        );
        await moveDescendants(tx, fromKey, toKey);
      });
    },

    async delete(path) {
      await executor.atomic(async (tx) => {
        const id = await namespaceId(tx, path);
        const child = await tx
          .selectFrom('namespaces')
          .select('id')
          .where('parent_id', '=', id)
          .executeTakeFirst();
        const table = await tx
          .selectFrom('tables')
          .select('id')
          .where('namespace_id', '=', id)
          .executeTakeFirst();
        const notEmpty = () => namespaceNotEmpty(path);
        if (child || table) throw notEmpty();
        await translateConstraints(
          () => tx.deleteFrom('namespaces').where('id', '=', id).execute(),
          { foreignKey: notEmpty },
        );
      });
    },
  };
}

function namespaceNotEmpty(path: readonly string[]): Conflict {
  return new Conflict(
    'NAMESPACE_NOT_EMPTY',
    `The namespace ${displayName(path)} still holds namespaces, tables or volumes.`,
    {
      hint: 'Drop or move what it contains first, or drop it with --cascade.',
      details: { namespace: [...path] },
    },
  );
}

/**
 * Tables point at namespaces by id, so only the descendants' keys need rewriting. Both
 * databases count substr() positions in characters, hence code points rather than .length.
 */
async function moveDescendants(tx: Kysely<Database>, fromKey: string, toKey: string) {
  const prefix = fromKey + NAMESPACE_SEPARATOR;
  const prefixLength = [...prefix].length;
  await tx
    .updateTable('namespaces')
    .set({
      key: sql<string>`${toKey} || substr(${sql.ref('key')}, ${prefixLength})`,
      updated_at: nowIso(),
    })
    .where(sql<string>`substr(${sql.ref('key')}, 1, ${prefixLength})`, '=', prefix)
    .execute();
}
