import type { Selectable } from 'kysely';
import { AlreadyExists, NotFound } from '../errors/index.js';
import { nowIso, toDate, toOptionalDate } from './codec.js';
import { translateConstraints } from './constraint-errors.js';
import type { TokensTable } from './database.js';
import type { Executor } from './executor.js';
import type { TokenRecord, TokenRepository } from './repositories.js';

function toRecord(row: Selectable<TokensTable>): TokenRecord {
  return {
    id: row.id,
    principalId: row.principal_id,
    name: row.name,
    secretHash: row.secret_hash,
    salt: row.salt,
    createdAt: toDate(row.created_at),
    expiresAt: toOptionalDate(row.expires_at),
    revokedAt: toOptionalDate(row.revoked_at),
    lastUsedAt: toOptionalDate(row.last_used_at),
  };
}

function tokenNotFound(id: string): NotFound {
  return new NotFound('TOKEN_NOT_FOUND', `No API token has the id ${id}.`, {
    hint: 'List the principal’s tokens to see which exist.',
  });
}

export function tokenRepository(executor: Executor): TokenRepository {
  const { db } = executor;

  async function exists(id: string): Promise<boolean> {
    const row = await db.selectFrom('tokens').select('id').where('id', '=', id).executeTakeFirst();
    return row !== undefined;
  }

  return {
    async create(t) {
      const row = {
        id: t.id,
        principal_id: t.principalId,
        name: t.name,
        secret_hash: t.secretHash,
        salt: t.salt,
        created_at: nowIso(),
        expires_at: t.expiresAt ? t.expiresAt.toISOString() : null,
        revoked_at: null,
        last_used_at: null,
      };
      await translateConstraints(() => db.insertInto('tokens').values(row).execute(), {
        unique: () =>
          new AlreadyExists(
            'TOKEN_ALREADY_EXISTS',
            `An API token with id ${t.id} already exists.`,
            {
              hint: 'Generate a new token id.',
            },
          ),
        foreignKey: () =>
          new NotFound('PRINCIPAL_NOT_FOUND', `No principal has the id ${t.principalId}.`, {
            hint: 'Create the principal before giving it tokens.',
          }),
      });
      return toRecord(row);
    },

    async get(id) {
      const row = await db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },

    async listFor(principalId) {
      const rows = await db
        .selectFrom('tokens')
        .selectAll()
        .where('principal_id', '=', principalId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },

    /** Revoking twice keeps the first revocation time. */
    async revoke(id) {
      const result = await db
        .updateTable('tokens')
        .set({ revoked_at: nowIso() })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n && !(await exists(id))) throw tokenNotFound(id);
    },

    async touch(id, at) {
      const result = await db
        .updateTable('tokens')
        .set({ last_used_at: at.toISOString() })
        .where('id', '=', id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw tokenNotFound(id);
    },
  };
}
