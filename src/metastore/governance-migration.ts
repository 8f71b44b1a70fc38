import type { Expression, Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/** The column types that differ between the two databases (see migrations.ts). */
export interface ColumnTypes {
  time: Expression<unknown>;
  count: Expression<unknown>;
}

/** SHA-256 is 64 hex digits; the chain starts from all zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** Migration 0002: groups, grants, tags, data filters, column masks, audit log, policy version. */
export function governance({ time, count }: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('groups')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('group_members')
        .addColumn('group_id', 'text', (c) =>
          c.notNull().references('groups.id').onDelete('cascade'),
        )
        .addColumn('member_kind', 'text', (c) => c.notNull())
        .addColumn('member_name', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'member_kind', 'member_name'])
        .execute();
      // Deleting a principal or group removes the memberships it has in other groups.
      await db.schema
        .createIndex('group_members_member')
        .on('group_members')
        .columns(['member_kind', 'member_name'])
        .execute();

      await db.schema
        .createTable('grants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('securable_kind', 'text', (c) => c.notNull())
        .addColumn('securable_path', 'text', (c) => c.notNull())
        .addColumn('privilege', 'text', (c) => c.notNull())
        .addColumn('grantee_kind', 'text', (c) => c.notNull())
        .addColumn('grantee_name', 'text', (c) => c.notNull())
        .addColumn('with_grant_option', 'integer', (c) => c.notNull())
        .addColumn('granted_by', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addUniqueConstraint('grants_securable_privilege_grantee', [
          'securable_kind',
          'securable_path',
          'privilege',
          'grantee_kind',
          'grantee_name',
        ])
        .execute();
      await db.schema
        .createIndex('grants_grantee')
        .on('grants')
        .columns(['grantee_kind', 'grantee_name'])
        .execute();

      await db.schema
        .createTable('tag_keys')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('allowed_values', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('tag_assignments')
        .addColumn('securable_kind', 'text', (c) => c.notNull())
        .addColumn('securable_path', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull().references('tag_keys.key').onDelete('cascade'))
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('assigned_by', 'text', (c) => c.notNull())
        .addColumn('assigned_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('tag_assignments_pk', ['securable_kind', 'securable_path', 'key'])
        .execute();
      await db.schema
        .createIndex('tag_assignments_key')
        .on('tag_assignments')
        .column('key')
        .execute();
      await db.schema
        .createTable('tag_policies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('expression', 'text', (c) => c.notNull())
        .addColumn('privileges', 'text', (c) => c.notNull())
        .addColumn('grantee_kind', 'text', (c) => c.notNull())
        .addColumn('grantee_name', 'text', (c) => c.notNull())
        .addColumn('with_grant_option', 'integer', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('data_filters')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('table_path', 'text', (c) => c.notNull())
        .addColumn('row_predicate', 'text')
        .addColumn('column_mode', 'text', (c) => c.notNull())
        .addColumn('columns', 'text', (c) => c.notNull())
        .addColumn('grantees', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addUniqueConstraint('data_filters_table_name', ['table_path', 'name'])
        .execute();
      await db.schema
        .createTable('column_masks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('table_path', 'text', (c) => c.notNull())
        .addColumn('column_name', 'text', (c) => c.notNull())
        .addColumn('function', 'text', (c) => c.notNull())
        .addColumn('expression', 'text')
        .addColumn('exempt', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addUniqueConstraint('column_masks_table_column', ['table_path', 'column_name'])
        .execute();

      await db.schema
        .createTable('audit_events')
        .addColumn('seq', count, (c) => c.primaryKey())
        .addColumn('event_id', 'text', (c) => c.notNull().unique())
        .addColumn('at', time, (c) => c.notNull())
        .addColumn('principal', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('resource', 'text')
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      for (const column of ['at', 'principal', 'action']) {
        await db.schema
          .createIndex(`audit_events_${column}`)
          .on('audit_events')
          .column(column)
          .execute();
      }
      await db.schema
        .createTable('audit_chain')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('last_seq', count, (c) => c.notNull())
        .addColumn('last_hash', 'text', (c) => c.notNull())
        .addColumn('anchor_seq', count, (c) => c.notNull())
        .addColumn('anchor_hash', 'text', (c) => c.notNull())
        .execute();
      await sql`insert into audit_chain (id, last_seq, last_hash, anchor_seq, anchor_hash)
        values (1, 0, ${GENESIS_HASH}, 0, ${GENESIS_HASH})`.execute(db);

      await db.schema
        .createTable('policy_version')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('version', count, (c) => c.notNull())
        .execute();
      await sql`insert into policy_version (id, version) values (1, 0)`.execute(db);
    },
  };
}
