import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { AlreadyExists, NotFound } from '../errors/index.js';
import { checkName, nowIso, toDate } from './codec.js';
import { translateConstraints } from './constraint-errors.js';
import type { TagAssignmentsTable, TagKeysTable, TagPoliciesTable } from './database.js';
import type { Executor } from './executor.js';
import type {
  TagAssignmentRecord,
  TagKeyRecord,
  TagPolicyRecord,
  TagRepository,
} from './governance-repositories.js';
import {
  byText,
  parsePath,
  pathText,
  toGrantee,
  toSecurableKind,
  toStrings,
} from './securable-codec.js';

function toKey(row: Selectable<TagKeysTable>): TagKeyRecord {
  return {
    key: row.key,
    allowedValues: toStrings(row.allowed_values),
    description: row.description,
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
  };
}

function toAssignment(row: Selectable<TagAssignmentsTable>): TagAssignmentRecord {
  return {
    securable: { kind: toSecurableKind(row.securable_kind), path: parsePath(row.securable_path) },
    key: row.key,
    value: row.value,
    assignedBy: row.assigned_by,
    assignedAt: toDate(row.assigned_at),
  };
}

function toPolicy(row: Selectable<TagPoliciesTable>): TagPolicyRecord {
  return {
    id: row.id,
    expression: row.expression,
    privileges: toStrings(row.privileges),
    grantee: toGrantee(row.grantee_kind, row.grantee_name),
    withGrantOption: Number(row.with_grant_option) === 1,
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
  };
}

function tagKeyNotFound(key: string): NotFound {
  return new NotFound('TAG_KEY_NOT_FOUND', `No tag key is named "${key}".`, {
    hint: 'List tag keys to see which exist, or create the key first.',
  });
}

export function tagRepository(executor: Executor): TagRepository {
  const { db } = executor;

  return {
    async createKey(k) {
      const row = {
        key: checkName(k.key, 'tag key'),
        allowed_values: JSON.stringify(k.allowedValues),
        description: k.description,
        created_by: k.createdBy,
        created_at: nowIso(),
      };
      await translateConstraints(() => db.insertInto('tag_keys').values(row).execute(), {
        unique: () =>
          new AlreadyExists('TAG_KEY_ALREADY_EXISTS', `The tag key "${k.key}" already exists.`, {
            hint: 'Choose another key, or update the allowed values of the existing one.',
          }),
      });
      return toKey(row);
    },

    async updateKey(key, patch) {
      const row = await db
        .updateTable('tag_keys')
        .set({
          ...(patch.allowedValues !== undefined && {
            allowed_values: JSON.stringify(patch.allowedValues),
          }),
          ...(patch.description !== undefined && { description: patch.description }),
        })
        .where('key', '=', key)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw tagKeyNotFound(key);
      return toKey(row);
    },

    async getKey(key) {
      const row = await db
        .selectFrom('tag_keys')
        .selectAll()
        .where('key', '=', key)
        .executeTakeFirst();
      return row && toKey(row);
    },

    async listKeys() {
      const rows = await db.selectFrom('tag_keys').selectAll().execute();
      return rows.sort(byText((r) => r.key)).map(toKey);
    },

    async deleteKey(key) {
      // Assignments go by cascade.
      const result = await db.deleteFrom('tag_keys').where('key', '=', key).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw tagKeyNotFound(key);
    },

    async assign(a) {
      const row = {
        securable_kind: a.securable.kind,
        securable_path: pathText(a.securable.path),
        key: a.key,
        value: a.value,
        assigned_by: a.assignedBy,
        assigned_at: nowIso(),
      };
      await translateConstraints(
        () =>
          db
            .insertInto('tag_assignments')
            .values(row)
            .onConflict((oc) =>
              oc.columns(['securable_kind', 'securable_path', 'key']).doUpdateSet({
                value: row.value,
                assigned_by: row.assigned_by,
                assigned_at: row.assigned_at,
              }),
            )
            .execute(),
        { foreignKey: () => tagKeyNotFound(a.key) },
      );
      return toAssignment(row);
    },

    async unassign(securable, key) {
      const result = await db
        .deleteFrom('tag_assignments')
        .where('securable_kind', '=', securable.kind)
        .where('securable_path', '=', pathText(securable.path))
        .where('key', '=', key)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) {
        throw new NotFound(
          'TAG_ASSIGNMENT_NOT_FOUND',
          `The ${securable.kind} ${securable.path.join('.')} has no tag "${key}".`,
          { hint: 'List the tags of the securable to see which are assigned.' },
        );
      }
    },

    async listAssignments() {
      const rows = await db.selectFrom('tag_assignments').selectAll().execute();
      return rows
        .sort(byText((r) => `${r.securable_path}\u0000${r.securable_kind}\u0000${r.key}`))
        .map(toAssignment);
    },

    async createPolicy(p) {
      const row = {
        id: randomUUID(),
        expression: p.expression,
        privileges: JSON.stringify(p.privileges),
        grantee_kind: p.grantee.kind,
        grantee_name: checkName(p.grantee.name, p.grantee.kind),
        with_grant_option: p.withGrantOption ? 1 : 0,
        created_by: p.createdBy,
        created_at: nowIso(),
      };
      await db.insertInto('tag_policies').values(row).execute();
      return toPolicy(row);
    },

    async deletePolicy(id) {
      const result = await db.deleteFrom('tag_policies').where('id', '=', id).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) {
        throw new NotFound('TAG_POLICY_NOT_FOUND', `No tag policy has the id ${id}.`, {
          hint: 'List tag policies to see which exist.',
        });
      }
    },

    async listPolicies() {
      const rows = await db.selectFrom('tag_policies').selectAll().execute();
      return rows
        .sort(byText((r) => `${toDate(r.created_at).toISOString()}\u0000${r.id}`))
        .map(toPolicy);
    },
  };
}
