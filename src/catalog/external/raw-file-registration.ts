import { PermissionDenied } from '../../errors/index.js';
import type { Caller } from '../../governance/index.js';
import type { AccessCheck } from '../access-gate.js';
import type { ExternalTablePatch } from '../contract.js';

/**
 * Which raw files become a table, and how their columns are named, is the operator's
 * call: whoever registers them owns the table, unfiltered and unmasked, so CREATE_TABLE
 * in some namespace would otherwise read every file of the external locations
 * (including those of a masked or filtered table, registered again or with a column
 * renamed). There is no grantable right on a location yet, so only an admin may
 * register raw files (directly or through a crawler) or change a table's read options.
 */
export function requireRawFileRegistration(check: AccessCheck, caller: Caller, what: string): void {
  if (caller.principal.isAdmin) return;
  throw check.refuse(
    new PermissionDenied(
      'PERMISSION_DENIED',
      `Only an admin may ${what}: ${caller.principal.name} would read the raw files unfiltered and unmasked.`,
      {
        hint: 'Ask an admin to register the raw files (or run the crawler); you can then be granted SELECT on the table, with its filters and masks.',
      },
    ),
  );
}

/** Does the patch change which files are read or how (not only properties or description)? */
export function changesReadOptions(patch: ExternalTablePatch): boolean {
  const { setProperties, removeProperties, description, ...spec } = patch;
  return Object.values(spec).some((v) => v !== undefined);
}
