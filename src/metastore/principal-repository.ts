import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { AlreadyExists, NotFound } from '../errors/index.js';
import { checkName, nowIso, toDate } from './codec.js';
import { translateConstraints } from './constraint-errors.js';
import type { PrincipalsTable } from './database.js';
import type { Executor } from './executor.js';
import type { PrincipalRecord, PrincipalRepository } from './repositories.js';

function toRecord(row: Selectable<PrincipalsTable>): PrincipalRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as PrincipalRecord['kind'],
    isAdmin: Number(row.is_admin) === 1,
    createdAt: toDate(row.created_at),
  };
}

export function principalRepository(executor: Executor): PrincipalRepository {
  const { db } = executor;

  return {
    async create(p) {
      const row = {
        id: randomUUID(),
        name: checkName(p.name, 'principal'),
        kind: p.kind,
        is_admin: p.isAdmin ? 1 : 0,
        created_at: nowIso(),
      };
      await translateConstraints(() => db.insertInto('principals').values(row).execute(), {
        unique: () =>
          new AlreadyExists(
            'PRINCIPAL_ALREADY_EXISTS',
            `A principal named "${p.name}" already exists.`,
            {
              hint: 'Choose another name.',
            },
          ),
      });
      return toRecord(row);
    },

    async get(id) {
      const row = await db
        .selectFrom('principals')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async getByName(name) {
      const row = await db
        .selectFrom('principals')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async list() {
      const rows = await db.selectFrom('principals').selectAll().execute();
      return rows.map(toRecord).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },

    async delete(id) {
      // Tokens go by cascade; memberships and grants are the governance service's to remove.
      const result = await db.deleteFrom('principals').where('id', '=', id).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) {
        throw new NotFound('PRINCIPAL_NOT_FOUND', `No principal has the id ${id}.`, {
          hint: 'List principals to see which exist.',
        });
      }
    },
  };
}
