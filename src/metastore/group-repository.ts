import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { AlreadyExists, NotFound } from '../errors/index.js';
import { byName, checkName, nowIso, toDate } from './codec.js';
import { translateConstraints } from './constraint-errors.js';
import type { Database, GroupsTable } from './database.js';
import type { Executor } from './executor.js';
import type { GranteeRecord, GroupRecord, GroupRepository } from './governance-repositories.js';
import { byText, toGrantee } from './securable-codec.js';

function toRecord(row: Selectable<GroupsTable>): GroupRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: toDate(row.created_at),
  };
}

function groupNotFound(name: string): NotFound {
  return new NotFound('GROUP_NOT_FOUND', `No group is named "${name}".`, {
    hint: 'List groups to see which exist, or create it first.',
  });
}

async function groupId(db: Kysely<Database>, name: string): Promise<string> {
  const row = await db
    .selectFrom('groups')
    .select('id')
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row) throw groupNotFound(name);
  return row.id;
}

export function groupRepository(executor: Executor): GroupRepository {
  const { db } = executor;

  return {
    async create(g) {
      const row = {
        id: randomUUID(),
        name: checkName(g.name, 'group'),
        description: g.description ?? null,
        created_at: nowIso(),
      };
      await translateConstraints(() => db.insertInto('groups').values(row).execute(), {
        unique: () =>
          new AlreadyExists('GROUP_ALREADY_EXISTS', `A group named "${g.name}" already exists.`, {
            hint: 'Choose another name, or add members to the existing group.',
          }),
      });
      return toRecord(row);
    },

    async getByName(name) {
      const row = await db
        .selectFrom('groups')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async list() {
      const rows = await db.selectFrom('groups').selectAll().execute();
      return rows.sort(byName).map(toRecord);
    },

    async delete(name) {
      await executor.atomic(async (tx) => {
        // Its own member rows go by cascade; its rows as a member of other groups by name.
        await tx
          .deleteFrom('groups')
          .where('id', '=', await groupId(tx, name))
          .execute();
        await tx
          .deleteFrom('group_members')
          .where('member_kind', '=', 'group')
          .where('member_name', '=', name)
          .execute();
      });
    },

    async addMember(groupName, member: GranteeRecord) {
      await executor.atomic(async (tx) => {
        await tx
          .insertInto('group_members')
          .values({
            group_id: await groupId(tx, groupName),
            member_kind: member.kind,
            member_name: checkName(member.name, member.kind),
          })
          .onConflict((oc) => oc.doNothing())
          .execute();
      });
    },

    async removeMember(groupName, member) {
      await executor.atomic(async (tx) => {
        const result = await tx
          .deleteFrom('group_members')
          .where('group_id', '=', await groupId(tx, groupName))
          .where('member_kind', '=', member.kind)
          .where('member_name', '=', member.name)
          .executeTakeFirst();
        if (Number(result.numDeletedRows) === 0) {
          throw new NotFound(
            'GROUP_MEMBER_NOT_FOUND',
            `The ${member.kind} "${member.name}" is not a member of the group "${groupName}".`,
            { hint: 'List the group’s members to see who belongs to it.' },
          );
        }
      });
    },

    async listMemberships() {
      const rows = await db
        .selectFrom('group_members')
        .innerJoin('groups', 'groups.id', 'group_members.group_id')
        .select(['groups.name', 'group_members.member_kind', 'group_members.member_name'])
        .execute();
      return rows
        .sort(byText((r) => `${r.name}\u0000${r.member_kind}\u0000${r.member_name}`))
        .map((r) => ({ groupName: r.name, member: toGrantee(r.member_kind, r.member_name) }));
    },
  };
}
