import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { NotFound } from '../errors/index.js';
import { checkName, nowIso, toDate } from './codec.js';
import type { GrantsTable } from './database.js';
import type { Executor } from './executor.js';
import type { GrantRecord, GrantRepository } from './governance-repositories.js';
import { byText, parsePath, pathText, toGrantee, toSecurableKind } from './securable-codec.js';

function toRecord(row: Selectable<GrantsTable>): GrantRecord {
  return {
    id: row.id,
    securable: { kind: toSecurableKind(row.securable_kind), path: parsePath(row.securable_path) },
    privilege: row.privilege,
    grantee: toGrantee(row.grantee_kind, row.grantee_name),
    withGrantOption: Number(row.with_grant_option) === 1,
    grantedBy: row.granted_by,
    createdAt: toDate(row.created_at),
  };
}

const inGrantOrder = byText<Selectable<GrantsTable>>((r) =>
  [r.securable_path, r.securable_kind, r.privilege, r.grantee_kind, r.grantee_name].join('\u0000'),
);

export function grantRepository(executor: Executor): GrantRepository {
  const { db } = executor;

  return {
    async upsert(g) {
      const row = await db
        .insertInto('grants')
        .values({
          id: randomUUID(),
          securable_kind: g.securable.kind,
          securable_path: pathText(g.securable.path),
          privilege: checkName(g.privilege, 'privilege'),
          grantee_kind: g.grantee.kind,
          grantee_name: checkName(g.grantee.name, g.grantee.kind),
          with_grant_option: g.withGrantOption ? 1 : 0,
          granted_by: g.grantedBy,
          created_at: nowIso(),
        })
        .onConflict((oc) =>
          oc
            .columns([
              'securable_kind',
              'securable_path',
              'privilege',
              'grantee_kind',
              'grantee_name',
            ])
            .doUpdateSet((eb) => ({ with_grant_option: eb.ref('excluded.with_grant_option') })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRecord(row);
    },

    async delete(id) {
      const result = await db.deleteFrom('grants').where('id', '=', id).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) {
        throw new NotFound('GRANT_NOT_FOUND', `No grant has the id ${id}.`, {
          hint: 'List the grants on the securable to see which exist.',
        });
      }
    },

    async list() {
      const rows = await db.selectFrom('grants').selectAll().execute();
      return rows.sort(inGrantOrder).map(toRecord);
    },

    async listOn(securable) {
      const rows = await db
        .selectFrom('grants')
        .selectAll()
        .where('securable_kind', '=', securable.kind)
        .where('securable_path', '=', pathText(securable.path))
        .execute();
      return rows.sort(inGrantOrder).map(toRecord);
    },
  };
}
