import {
  missingNamespaces,
  namespaceSecurable,
  parentOf,
  tableSecurable,
} from '../../catalog/index.js';
import type { AccessCheck, CatalogService, TableIdent } from '../../catalog/index.js';
import { NotFound } from '../../errors/index.js';
import type { Authorizer, Caller } from '../../governance/index.js';
import type { StreamRow } from '../../metastore/index.js';

export function streamNotFound(name: string): NotFound {
  return new NotFound('STREAM_NOT_FOUND', `No stream is named "${name}".`, {
    hint: 'List streams with `lakeward streams list` to see which exist.',
  });
}

/**
 * Writing into a table: INSERT when it exists; else CREATE_TABLE on its namespace, or
 * CREATE_NAMESPACE where its missing namespaces start (as a batch load).
 */
export async function requireWrite(
  catalog: Pick<CatalogService, 'tableExists' | 'describeNamespace'>,
  check: AccessCheck,
  table: TableIdent,
): Promise<void> {
  if (await catalog.tableExists(table)) {
    await check.require('INSERT', tableSecurable(table));
    return;
  }
  const first = (await missingNamespaces(catalog, table.namespace))[0];
  await (first === undefined
    ? check.require('CREATE_TABLE', namespaceSecurable(table.namespace))
    : check.require('CREATE_NAMESPACE', parentOf(first)));
}

/** A stream shows to its creator and to whoever may DESCRIBE its table. */
export async function maySee(
  authorizer: Authorizer,
  caller: Caller,
  row: StreamRow,
  table: TableIdent,
): Promise<boolean> {
  if (caller.principal.isAdmin || caller.principal.name === row.runAs) return true;
  const decision = await authorizer.decide(caller.principal, 'DESCRIBE', tableSecurable(table));
  return decision.allowed;
}

/** Pausing, resuming or deleting: its creator, an admin, or who may ALTER its table. */
export async function requireManage(
  authorizer: Authorizer,
  check: AccessCheck,
  caller: Caller,
  row: StreamRow,
  table: TableIdent,
): Promise<void> {
  if (!(await maySee(authorizer, caller, row, table))) throw check.refuse(streamNotFound(row.name));
  if (caller.principal.isAdmin || caller.principal.name === row.runAs) return;
  await check.require('ALTER', tableSecurable(table));
}
