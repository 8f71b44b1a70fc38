import { InvalidInput, NotFound } from '../../errors/index.js';
import type { Caller, Grantee, Privilege, TagPolicyInfo } from '../contract.js';
import { parseTagExpression } from '../policy/tag-expression.js';
import { managesCatalog, requireCatalogManager } from './access.js';
import type { AdminDeps } from './admin-deps.js';
import { granteeText, requireGrantees } from './grantees.js';
import { commitChange, recordAllowed } from './policy-change.js';
import { canonicalPrivileges, requireApplicable } from './privilege-rules.js';
import { tagPolicyInfo } from './records.js';

const resource = (id: string): string => `tag_policy:${id}`;

/** Every key and value the expression names must exist, or the policy could never match. */
async function checkedExpression(deps: AdminDeps, text: string): Promise<string> {
  const expression = text.trim();
  const { clauses } = parseTagExpression(expression);
  const keys = await deps.metastore.tags.listKeys();
  for (const clause of clauses) {
    const key = keys.find((k) => k.key === clause.key);
    if (key === undefined) {
      throw new InvalidInput(
        'TAG_EXPRESSION_INVALID',
        `The tag expression names the tag key "${clause.key}", which does not exist.`,
        {
          hint:
            keys.length === 0
              ? 'Create the tag key first.'
              : `Tag keys: ${keys.map((k) => k.key).join(', ')}.`,
        },
      );
    }
    const unknown = clause.values.filter((v) => !key.allowedValues.includes(v));
    if (unknown.length > 0) {
      throw new InvalidInput(
        'TAG_VALUE_NOT_ALLOWED',
        `${unknown.join(', ')} ${unknown.length === 1 ? 'is not an allowed value' : 'are not allowed values'} of tag key ${key.key}.`,
        {
          hint: `Allowed values: ${key.allowedValues.join(', ')}.`,
          details: { allowedValues: key.allowedValues },
        },
      );
    }
  }
  return expression;
}

export async function createTagPolicy(
  deps: AdminDeps,
  caller: Caller,
  input: {
    expression: string;
    privileges: Privilege[];
    grantee: Grantee;
    withGrantOption?: boolean;
  },
): Promise<TagPolicyInfo> {
  const privileges = canonicalPrivileges(input.privileges);
  // Tagged things are namespaces, tables, volumes and columns; READ_AUDIT could never apply.
  requireApplicable(privileges, ['namespace', 'table', 'volume', 'column']);
  const expression = await checkedExpression(deps, input.expression);
  await requireCatalogManager(deps, caller, 'tag_policy.create', 'tag_policy');
  await requireGrantees(deps.metastore, [input.grantee]);
  const created = await commitChange(deps, (tx) =>
    tx.tags.createPolicy({
      expression,
      privileges,
      grantee: { kind: input.grantee.kind, name: input.grantee.name },
      withGrantOption: input.withGrantOption === true,
      createdBy: caller.principal.name,
    }),
  );
  await recordAllowed(
    deps,
    caller,
    'tag_policy.create',
    resource(created.id),
    `${privileges.join(', ')} on ${expression} to ${granteeText(input.grantee)}`,
  );
  return tagPolicyInfo(created);
}

export async function deleteTagPolicy(deps: AdminDeps, caller: Caller, id: string): Promise<void> {
  await requireCatalogManager(deps, caller, 'tag_policy.delete', resource(id));
  const policy = (await deps.metastore.tags.listPolicies()).find((p) => p.id === id);
  if (policy === undefined) {
    throw new NotFound('TAG_POLICY_NOT_FOUND', `There is no tag policy "${id}".`, {
      hint: 'lakeward tags policies lists the tag policies and their ids.',
    });
  }
  await commitChange(deps, (tx) => tx.tags.deletePolicy(id));
  await recordAllowed(deps, caller, 'tag_policy.delete', resource(id), policy.expression);
}

/**
 * Catalog managers see every policy; anyone else the policies that grant to them
 * or to one of their groups (what explains their own access).
 */
export async function listTagPolicies(deps: AdminDeps, caller: Caller): Promise<TagPolicyInfo[]> {
  const policies = await deps.metastore.tags.listPolicies();
  const { principal } = caller;
  if (await managesCatalog(deps, principal)) return policies.map(tagPolicyInfo);
  const groups = new Set(await deps.authorizer.groupsOf(principal));
  return policies
    .filter((p) =>
      p.grantee.kind === 'principal'
        ? p.grantee.name === principal.name
        : groups.has(p.grantee.name),
    )
    .map(tagPolicyInfo);
}
