import { AlreadyExists } from '../../errors/index.js';
import type { Caller, PolicyAdmin } from '../../governance/index.js';
import type { TagRepository } from '../../metastore/index.js';
import { CLASSIFICATION_TAG_KEY, CLASSIFICATIONS } from './classifications.js';

export interface ClassificationTagKeyDeps {
  policies: Pick<PolicyAdmin, 'createTagKey' | 'updateTagKey'>;
  tags: Pick<TagRepository, 'getKey'>;
}

/**
 * The built-in tag key `classification` with every classification among its values:
 * created for a new home, and on first use in a home made before it existed (or one
 * whose key lost values). Done as the given caller, so it is audited like any change.
 */
export async function ensureClassificationTagKey(
  deps: ClassificationTagKeyDeps,
  caller: Caller,
): Promise<void> {
  const existing = await deps.tags.getKey(CLASSIFICATION_TAG_KEY);
  if (existing === undefined) {
    try {
      await deps.policies.createTagKey(caller, {
        key: CLASSIFICATION_TAG_KEY,
        allowedValues: [...CLASSIFICATIONS],
        description: 'Kind of sensitive data a column holds; set by accepting a detection.',
      });
    } catch (err) {
      // Another process created it at the same time: it has the same values.
      if (!(err instanceof AlreadyExists)) throw err;
    }
    return;
  }
  const missing = CLASSIFICATIONS.filter((c) => !existing.allowedValues.includes(c));
  if (missing.length > 0) {
    await deps.policies.updateTagKey(caller, CLASSIFICATION_TAG_KEY, { addValues: missing });
  }
}
