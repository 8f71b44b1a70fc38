import { sql } from 'kysely';
import type { Executor } from './executor.js';
import type { PolicyVersionRepository } from './governance-repositories.js';

export function policyVersionRepository(executor: Executor): PolicyVersionRepository {
  const { db } = executor;

  return {
    async current() {
      const row = await db
        .selectFrom('policy_version')
        .select('version')
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      return Number(row.version);
    },

    // One UPDATE … RETURNING: the database serialises concurrent bumps on the row.
    async bump() {
      const row = await db
        .updateTable('policy_version')
        .set({ version: sql<number>`version + 1` })
        .where('id', '=', 1)
        .returning('version')
        .executeTakeFirstOrThrow();
      return Number(row.version);
    },
  };
}
