import type { BusinessEntryRecord } from '../../metastore/index.js';

/** One versioned change of one field, as the history shows it. */
export interface FieldChange {
  /** description, column_description:<column>, owner, certification or property:<key>. */
  field: string;
  oldValue: string | null;
  newValue: string | null;
}

/** The fields of a securable that its own row keeps (namespaces, tables) or ours (volumes). */
export interface DescribedFields {
  description: string | null;
  properties: Record<string, string>;
}

/** What changed between two states of the description and properties, field by field. */
export function fieldChanges(before: DescribedFields, after: DescribedFields): FieldChange[] {
  const changes: FieldChange[] = [];
  if (before.description !== after.description) {
    changes.push({
      field: 'description',
      oldValue: before.description,
      newValue: after.description,
    });
  }
  const keys = [...new Set([...Object.keys(before.properties), ...Object.keys(after.properties)])];
  for (const key of keys.sort()) {
    const [oldValue, newValue] = [before.properties[key] ?? null, after.properties[key] ?? null];
    if (oldValue !== newValue) changes.push({ field: `property:${key}`, oldValue, newValue });
  }
  return changes;
}

/** e.g. `group data_eng <data-eng@example.com>`. */
export function ownerText(owner: BusinessEntryRecord['owner']): string | null {
  if (owner === null) return null;
  const who = `${owner.kind === 'group' ? 'group' : 'user'} ${owner.name}`;
  return owner.contactEmail === null ? who : `${who} <${owner.contactEmail}>`;
}

/** e.g. `deprecated: replaced by v2 (replacement: gold.revenue.daily_v2)`. */
export function certificationText(
  certification: BusinessEntryRecord['certification'],
): string | null {
  if (certification === null) return null;
  const reason = certification.reason === null ? '' : `: ${certification.reason}`;
  const replacement =
    certification.replacement === null ? '' : ` (replacement: ${certification.replacement})`;
  return `${certification.status}${reason}${replacement}`;
}

/** The same properties map with a patch applied. */
export function patched(
  properties: Record<string, string>,
  set: Record<string, string> = {},
  remove: readonly string[] = [],
): Record<string, string> {
  const after = { ...properties, ...set };
  for (const key of remove) delete after[key];
  return after;
}
