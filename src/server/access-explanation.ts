import type { Catalog } from '../catalog/index.js';
import { NotFound } from '../errors/index.js';
import type {
  AccessExplanation,
  Authorizer,
  Caller,
  ColumnShape,
  Principal,
  Securable,
} from '../governance/index.js';
import type { Metastore } from '../metastore/index.js';

export interface AccessExplanationDeps {
  authorizer: Authorizer;
  metastore: Metastore;
  catalog: Catalog;
}

/**
 * `access explain` for the API and the CLI. Anyone may explain their own access; explaining
 * someone else's takes an admin or MANAGE_GRANTS on the securable, since it reveals their grants.
 */
export async function explainAccess(
  deps: AccessExplanationDeps,
  caller: Caller,
  securable: Securable,
  principalName?: string,
): Promise<AccessExplanation> {
  const self = principalName === undefined || principalName === caller.principal.name;
  if (!self && !caller.principal.isAdmin) {
    await deps.authorizer.require(caller.principal, 'MANAGE_GRANTS', securable);
  }
  const target = self ? caller.principal : await principalNamed(deps.metastore, principalName);
  const columns = await tableColumns(deps, caller, securable);
  return deps.authorizer.explain(target, securable, columns);
}

async function principalNamed(metastore: Metastore, name: string): Promise<Principal> {
  const record = await metastore.principals.getByName(name);
  if (!record) {
    throw new NotFound('PRINCIPAL_NOT_FOUND', `There is no user or service account "${name}".`, {
      hint: 'List principals with lakeward principals list (or GET /api/v1/principals).',
    });
  }
  const { id, kind, isAdmin } = record;
  return { id, name: record.name, kind, isAdmin, authMethod: 'token' };
}

/**
 * A table's columns, so the explanation can show which are visible and masked; only when
 * the caller may DESCRIBE it, so explaining yourself never reveals a hidden table's shape.
 */
async function tableColumns(
  deps: AccessExplanationDeps,
  caller: Caller,
  securable: Securable,
): Promise<ColumnShape[] | undefined> {
  if (securable.kind !== 'table') return undefined;
  const describe = await deps.authorizer.decide(caller.principal, 'DESCRIBE', securable);
  if (!describe.allowed) return undefined;
  const table = await deps.catalog.describeTable({
    namespace: securable.path.slice(0, -1),
    name: securable.path.at(-1)!,
  });
  return table.columns.map(({ name, type }) => ({ name, type }));
}
