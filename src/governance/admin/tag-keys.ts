import { AlreadyExists, Conflict, InvalidInput, NotFound } from '../../errors/index.js';
import type { TagKeyRecord } from '../../metastore/index.js';
import type { Caller, TagKeyInfo } from '../contract.js';
import { parseTagExpression } from '../policy/tag-expression.js';
import { securableText } from '../policy/securable.js';
import { requireCatalogManager } from './access.js';
import type { AdminDeps } from './admin-deps.js';
import { requireIdentifier } from './identifiers.js';
import { commitChange, recordAllowed } from './policy-change.js';
import { tagKeyInfo } from './records.js';

/** As Lake Formation: a key carries at most 50 values. */
export const MAX_TAG_VALUES = 50;

const resource = (key: string): string => `tag_key:${key}`;

function checkedValues(key: string, values: readonly string[]): string[] {
  const distinct = [...new Set(values)];
  for (const value of distinct) requireIdentifier('tag value', 'INVALID_TAG_VALUE', value);
  if (distinct.length === 0) {
    throw new InvalidInput(
      'INVALID_TAG_VALUE',
      `The tag key ${key} needs at least one allowed value.`,
      {
        hint: 'Give the values it may take, e.g. --values public,internal,confidential.',
      },
    );
  }
  if (distinct.length > MAX_TAG_VALUES) {
    throw new InvalidInput(
      'TOO_MANY_TAG_VALUES',
      `The tag key ${key} would have ${distinct.length} values; at most ${MAX_TAG_VALUES} are allowed.`,
      { hint: 'Use fewer, broader values, or split the concept into two keys.' },
    );
  }
  return distinct;
}

export async function existingKey(deps: AdminDeps, key: string): Promise<TagKeyRecord> {
  const found = await deps.metastore.tags.getKey(key);
  if (found !== undefined) return found;
  const keys = (await deps.metastore.tags.listKeys()).map((k) => k.key);
  throw new NotFound('TAG_KEY_NOT_FOUND', `There is no tag key "${key}".`, {
    hint:
      keys.length === 0
        ? 'Create it first with lakeward tags create-key.'
        : `Tag keys: ${keys.join(', ')}.`,
  });
}

export async function createTagKey(
  deps: AdminDeps,
  caller: Caller,
  input: { key: string; allowedValues: string[]; description?: string },
): Promise<TagKeyInfo> {
  requireIdentifier('tag key', 'INVALID_TAG_KEY', input.key);
  const allowedValues = checkedValues(input.key, input.allowedValues);
  await requireCatalogManager(deps, caller, 'tag_key.create', resource(input.key));
  if ((await deps.metastore.tags.getKey(input.key)) !== undefined) {
    throw new AlreadyExists(
      'TAG_KEY_ALREADY_EXISTS',
      `The tag key "${input.key}" already exists.`,
      {
        hint: 'Add values to it with lakeward tags update-key, or choose another key.',
      },
    );
  }
  const created = await commitChange(deps, (tx) =>
    tx.tags.createKey({
      key: input.key,
      allowedValues,
      description: input.description ?? null,
      createdBy: caller.principal.name,
    }),
  );
  await recordAllowed(
    deps,
    caller,
    'tag_key.create',
    resource(input.key),
    `values ${allowedValues.join(', ')}`,
  );
  return tagKeyInfo(created);
}

/** Where the values are still in use: tag policies (by id) and assignments. */
async function usesOf(deps: AdminDeps, key: string, values?: readonly string[]): Promise<string[]> {
  const counts = (value: string): boolean => values === undefined || values.includes(value);
  const uses: string[] = [];
  for (const policy of await deps.metastore.tags.listPolicies()) {
    const clauses = parseTagExpression(policy.expression).clauses;
    if (clauses.some((c) => c.key === key && c.values.some(counts)))
      uses.push(`tag policy ${policy.id}`);
  }
  if (values !== undefined) {
    for (const a of await deps.metastore.tags.listAssignments()) {
      if (a.key === key && counts(a.value)) {
        uses.push(`${securableText(a.securable)} (${a.value})`);
      }
    }
  }
  return uses;
}

export async function updateTagKey(
  deps: AdminDeps,
  caller: Caller,
  key: string,
  patch: { addValues?: string[]; removeValues?: string[]; description?: string | null },
): Promise<TagKeyInfo> {
  await requireCatalogManager(deps, caller, 'tag_key.update', resource(key));
  const current = await existingKey(deps, key);
  const removing = patch.removeValues ?? [];
  const kept = current.allowedValues.filter((v) => !removing.includes(v));
  const allowedValues = checkedValues(key, [...kept, ...(patch.addValues ?? [])]);
  const removed = current.allowedValues.filter((v) => !allowedValues.includes(v));
  if (removed.length > 0) {
    const uses = await usesOf(deps, key, removed);
    if (uses.length > 0) {
      throw new Conflict(
        'TAG_VALUE_IN_USE',
        `The values ${removed.join(', ')} of tag key ${key} are still in use.`,
        {
          hint: `Remove them first from: ${uses.slice(0, 10).join('; ')}${uses.length > 10 ? ' …' : ''}.`,
          details: { uses },
        },
      );
    }
  }
  const updated = await commitChange(deps, (tx) =>
    tx.tags.updateKey(key, {
      allowedValues,
      ...(patch.description !== undefined ? { description: patch.description } : {}),
    }),
  );
  await recordAllowed(
    deps,
    caller,
    'tag_key.update',
    resource(key),
    `values ${allowedValues.join(', ')}`,
  );
  return tagKeyInfo(updated);
}

/** Refused while a tag policy names the key: the policy would silently match nothing. */
export async function deleteTagKey(deps: AdminDeps, caller: Caller, key: string): Promise<void> {
  await requireCatalogManager(deps, caller, 'tag_key.delete', resource(key));
  await existingKey(deps, key);
  const policies = await usesOf(deps, key);
  if (policies.length > 0) {
    throw new Conflict(
      'TAG_KEY_IN_USE',
      `The tag key ${key} is used by ${policies.length} tag policy(ies).`,
      {
        hint: `Delete ${policies.join(', ')} first.`,
        details: { policies },
      },
    );
  }
  await commitChange(deps, (tx) => tx.tags.deleteKey(key));
  await recordAllowed(
    deps,
    caller,
    'tag_key.delete',
    resource(key),
    'deleted with its assignments',
  );
}

/** Every key: keys are vocabulary, not data, and every user tags and searches with them. */
export async function listTagKeys(deps: AdminDeps): Promise<TagKeyInfo[]> {
  const keys = await deps.metastore.tags.listKeys();
  return keys.map(tagKeyInfo).sort((a, b) => a.key.localeCompare(b.key));
}
