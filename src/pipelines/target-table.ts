import { missingNamespaces, tableSecurable } from '../catalog/index.js';
import type { AccessCheck, Catalog, GovernedCatalog, TableIdent } from '../catalog/index.js';
import type { Caller, Privilege } from '../governance/index.js';
import type { IcebergTable, Schema, SchemaChange } from '../iceberg/index.js';

/** What opening a job's output table needs: the catalog, and the run's caller and checks. */
export interface TableAccess {
  catalog: Catalog;
  governed: GovernedCatalog;
  caller: Caller;
  check: AccessCheck;
}

/** A table a run writes, once checked: existing (with its schema changes) or still to create. */
export interface CheckedTarget {
  ident: TableIdent;
  /** undefined: the run creates it when it commits. */
  existing: IcebergTable | undefined;
}

/**
 * Checks, before anything is read or written, that the caller may write the table:
 * the mode's privileges on an existing table, ALTER when its schema must change;
 * for a new one, CREATE_TABLE on its namespace is checked when it is created.
 */
export async function checkTarget(
  access: TableAccess,
  ident: TableIdent,
  privileges: Privilege[],
): Promise<CheckedTarget> {
  if (!(await access.catalog.tableExists(ident))) return { ident, existing: undefined };
  for (const privilege of privileges) {
    await access.check.require(privilege, tableSecurable(ident));
  }
  return { ident, existing: await access.catalog.loadTable(ident) };
}

/**
 * The table ready for the run's rows: created with the rows' schema (and its missing
 * namespaces) as the caller, who owns it then; or evolved (new columns, wider types).
 * Both go through the governed catalog, so each is checked and audited as itself.
 */
export async function prepareTarget(
  access: TableAccess,
  target: CheckedTarget,
  plan: { schema: Schema; changes: SchemaChange[] },
  properties: Record<string, string>,
): Promise<{ table: IcebergTable; created: boolean }> {
  const { governed, caller, catalog } = access;
  if (target.existing !== undefined) {
    if (plan.changes.length === 0) return { table: target.existing, created: false };
    await governed.evolveSchema(caller, target.ident, plan.changes);
    return { table: await catalog.loadTable(target.ident), created: false };
  }
  if ((await missingNamespaces(catalog, target.ident.namespace)).length > 0) {
    await governed.createNamespace(caller, [...target.ident.namespace]);
  }
  await governed.createTable(caller, target.ident, {
    columns: plan.schema.fields.map((f) => ({ name: f.name, type: f.type })),
    properties,
  });
  return { table: await catalog.loadTable(target.ident), created: true };
}

/** A table the run created goes again when the run fails: a failed job leaves nothing behind. */
export async function dropCreated(access: TableAccess, ident: TableIdent): Promise<void> {
  await access.governed.dropTable(access.caller, ident).catch(() => undefined);
}
