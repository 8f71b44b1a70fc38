import type { PrincipalRecord } from '../../metastore/index.js';
import type { Principal } from '../contract.js';

/** The caller a stored principal becomes once it proved who it is, one way or another. */
export function toPrincipal(
  record: PrincipalRecord,
  authMethod: Principal['authMethod'],
): Principal {
  return {
    id: record.id,
    name: record.name,
    kind: record.kind,
    isAdmin: record.isAdmin,
    authMethod,
  };
}
