import { PermissionDenied } from '../../errors/index.js';
import type { Caller } from '../../governance/index.js';
import type { AccessCheck, AccessGate } from '../access-gate.js';
import { columnShapes, tableSecurable } from '../catalog-securables.js';
import type { TableDescription } from '../contract.js';
import { formatTableName } from '../names.js';

/**
 * A conversion copies every row and column, unmasked, into a table the caller then owns:
 * a caller whose read of the source is narrowed (a data filter, hidden columns, a
 * mask) would launder what it may not see. So it needs the whole table.
 */
export async function requireUnrestrictedRead(
  gate: AccessGate,
  check: AccessCheck,
  caller: Caller,
  table: TableDescription,
): Promise<void> {
  // Masks apply to admins too, but an admin can drop any filter or mask: nothing to guard.
  if (caller.principal.isAdmin) return;
  const policy = await gate.authorizer.readPolicy(
    caller.principal,
    tableSecurable(table).path,
    columnShapes(table),
  );
  const narrowed =
    !policy.allowed ||
    policy.rowFilter !== undefined ||
    policy.columns !== undefined ||
    Object.keys(policy.masks ?? {}).length > 0;
  if (!narrowed) return;
  const name = formatTableName(table);
  throw check.refuse(
    new PermissionDenied(
      'PERMISSION_DENIED',
      `Converting ${name} copies all its rows and columns unmasked; ${caller.principal.name} reads it through data filters or column masks.`,
      {
        hint: `Ask an admin for SELECT on ${name} itself (not through a data filter) and an exemption from its column masks, or have someone with that read convert it.`,
      },
    ),
  );
}
