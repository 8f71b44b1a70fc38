import type { AccessCheck } from '../access-gate.js';
import { CATALOG } from '../catalog-securables.js';
import type { ExternalTablePatch } from '../contract.js';

/**
 * Which raw files become a table, and how their columns are named, is the operator's
 * call: whoever registers them owns the table, unfiltered and unmasked, so CREATE_TABLE
 * in some namespace would otherwise read every file of the external locations
 * (including those of a masked or filtered table, registered again or with a column
 * renamed). Registering raw files (directly or through a crawler) and changing a table's
 * read options need CREATE_EXTERNAL_TABLE on the catalog, which admins grant to the few
 * who may read every external location raw (Unity Catalog's CREATE EXTERNAL TABLE).
 */
export async function requireRawFileRegistration(check: AccessCheck): Promise<void> {
  await check.require('CREATE_EXTERNAL_TABLE', CATALOG);
}

/** Does the patch change which files are read or how (not only properties or description)? */
export function changesReadOptions(patch: ExternalTablePatch): boolean {
  const metadataOnly = new Set(['setProperties', 'removeProperties', 'description']);
  return Object.entries(patch).some(([key, v]) => !metadataOnly.has(key) && v !== undefined);
}
