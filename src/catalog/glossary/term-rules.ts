import { Conflict, NotFound, PermissionDenied } from '../../errors/index.js';
import type { Authorizer, Caller } from '../../governance/index.js';
import type { GlossaryTermRecord, Metastore } from '../../metastore/index.js';
import type { AccessCheck } from '../access-gate.js';
import { CATALOG } from '../catalog-securables.js';
import type { TermOwner } from './glossary-types.js';

type Repositories = Pick<Metastore, 'glossary' | 'principals' | 'groups'>;

export function termNotFound(name: string): NotFound {
  return new NotFound('GLOSSARY_TERM_NOT_FOUND', `No glossary term is named "${name}".`, {
    hint: 'List the terms with lakeward glossary list (names ignore case).',
  });
}

export async function existingTerm(
  store: Pick<Metastore, 'glossary'>,
  name: string,
): Promise<GlossaryTermRecord> {
  const term = await store.glossary.getTerm(name);
  if (term === undefined) throw termNotFound(name);
  return term;
}

/** A term's owner must be a principal or group that exists now. */
export async function checkOwner(store: Repositories, owner: TermOwner): Promise<TermOwner> {
  const found =
    owner.kind === 'principal'
      ? await store.principals.getByName(owner.name)
      : await store.groups.getByName(owner.name);
  if (found === undefined) {
    throw new NotFound(
      'GLOSSARY_OWNER_NOT_FOUND',
      `The ${owner.kind} "${owner.name}" does not exist, so it cannot own a term.`,
      {
        hint: `Name an existing ${owner.kind} (lakeward ${owner.kind === 'principal' ? 'principals' : 'groups'} list).`,
      },
    );
  }
  return { kind: owner.kind, name: owner.name };
}

/** Refuses a parent that is the term itself or one of its descendants. */
export async function checkParent(
  store: Pick<Metastore, 'glossary'>,
  term: GlossaryTermRecord | undefined,
  parent: GlossaryTermRecord,
): Promise<void> {
  if (term === undefined) return;
  const seen = new Set<string>();
  for (let at: GlossaryTermRecord | undefined = parent; at !== undefined;) {
    if (at.id === term.id) {
      throw new Conflict(
        'GLOSSARY_HIERARCHY_CYCLE',
        `"${parent.name}" cannot be the parent of "${term.name}": it is "${term.name}" itself or one of its descendants.`,
        { hint: "Choose a parent outside the term's own branch of the hierarchy." },
      );
    }
    if (seen.has(at.id) || at.parentId === null) return;
    seen.add(at.id);
    at = await store.glossary.getTermById(at.parentId);
  }
}

/**
 * Who may create, edit or delete terms: admins and holders of MANAGE_GRANTS on the catalog,
 * and, for a term that exists, its owner (directly or through a group).
 */
export async function requireTermEditor(
  authorizer: Authorizer,
  check: AccessCheck,
  caller: Caller,
  term: GlossaryTermRecord | undefined,
): Promise<void> {
  const { principal } = caller;
  const owner = term?.owner;
  if (owner?.kind === 'principal' && owner.name === principal.name) {
    check.grants.push(`owner of glossary term "${term!.name}"`);
    return;
  }
  if (owner?.kind === 'group' && (await authorizer.groupsOf(principal)).includes(owner.name)) {
    check.grants.push(`owner of glossary term "${term!.name}" (member of ${owner.name})`);
    return;
  }
  const decision = await authorizer.decide(principal, 'MANAGE_GRANTS', CATALOG);
  if (decision.allowed) {
    check.grants.push(...decision.sources.map((s) => s.description));
    return;
  }
  throw check.refuse(
    new PermissionDenied(
      'GLOSSARY_EDIT_DENIED',
      term === undefined
        ? `${principal.name} may not create glossary terms.`
        : `${principal.name} may not change the glossary term "${term.name}".`,
      {
        hint: "Terms are edited by admins, holders of MANAGE_GRANTS on the catalog and the term's owner (a principal or a group).",
      },
    ),
  );
}
