import type { Grantee, Principal, Privilege, Securable, Source } from '../contract.js';
import { granteeKey } from './grantee-set.js';
import type { GranteeSet } from './grantee-set.js';
import type { HeldGrant, PolicySnapshot } from './policy-snapshot.js';
import { ancestorsOf, securableKey, securableText } from './securable.js';
import { matchesTags } from './tag-expression.js';

/** One principal against one policy snapshot: what every rule reads. */
export interface Evaluation {
  snapshot: PolicySnapshot;
  grantees: GranteeSet;
  principal: Principal;
  /** Per listing: containers already asked about (see inheritedDescribe). */
  containers?: Map<string, Source[]>;
}

/** `to group marketing_team (alice is a member via analysts)` or `to alice`. */
export function toGrantee(ev: Evaluation, grantee: Grantee): string {
  if (grantee.kind === 'principal') return `to ${grantee.name}`;
  const why = ev.grantees.via.get(granteeKey(grantee));
  return `to group ${grantee.name}${why ? ` (${why})` : ''}`;
}

export const holds = (ev: Evaluation, grantee: Grantee): boolean =>
  ev.grantees.via.has(granteeKey(grantee));

function tagsText(tags: ReadonlyMap<string, string>): string {
  return [...tags].map(([k, v]) => `${k}=${v}`).join(', ');
}

/**
 * Sources that give `privilege` on the securable: ownership or a grant on it or an
 * ancestor, or a tag policy matching its effective tags (inheritance is already in
 * the tags, so an override on a child is respected). With grantOption, only grants
 * and policies that may be passed on (ownership always may).
 */
export function privilegeSources(
  ev: Evaluation,
  privilege: Privilege,
  securable: Securable,
  grantOption = false,
): Source[] {
  const sources: Source[] = [];
  for (const s of [securable, ...ancestorsOf(securable)]) {
    for (const grant of ev.snapshot.grantsAt(s)) {
      if (!ev.grantees.via.has(grant.holder)) continue;
      if (grant.privilege === 'OWNER') {
        sources.push({
          type: 'owner',
          id: grant.id,
          description: `owner of ${securableText(s)}: ${grant.grantee.name}${ownerVia(ev, grant.grantee)}`,
        });
      } else if (grant.privilege === privilege && (!grantOption || grant.withGrantOption)) {
        sources.push({
          type: 'grant',
          id: grant.id,
          description: `${privilege} on ${securableText(s)} ${toGrantee(ev, grant.grantee)}${grant.withGrantOption ? ' with grant option' : ''}`,
        });
      }
    }
  }
  sources.push(...tagPolicySources(ev, securable, (p) => p === privilege, grantOption));
  return sources;
}

function ownerVia(ev: Evaluation, grantee: Grantee): string {
  if (grantee.kind === 'principal') return '';
  return ` (group; ${ev.grantees.via.get(granteeKey(grantee)) ?? ''})`;
}

export function tagPolicySources(
  ev: Evaluation,
  securable: Securable,
  wanted: (privilege: string) => boolean,
  grantOption = false,
): Source[] {
  const sources: Source[] = [];
  for (const { record, expression, holder } of ev.snapshot.tagPolicies) {
    if (!ev.grantees.via.has(holder) || (grantOption && !record.withGrantOption)) continue;
    const privileges = record.privileges.filter(wanted);
    if (privileges.length === 0) continue;
    const tags = ev.snapshot.effectiveTags(securable);
    if (!matchesTags(expression, tags)) continue;
    sources.push({
      type: 'tag_policy',
      id: record.id,
      description: `${privileges.join(', ')} by tag policy "${record.expression}" ${toGrantee(ev, record.grantee)} (${securableText(securable)} has ${tagsText(tags)})`,
    });
  }
  return sources;
}

function describeSource(ev: Evaluation, s: Securable, grant: HeldGrant): Source {
  return {
    type: grant.privilege === 'OWNER' ? 'owner' : 'grant',
    id: grant.id,
    description: `${grant.privilege} on ${securableText(s)} ${toGrantee(ev, grant.grantee)}`,
  };
}

/**
 * Grants on a container that make its children visible. A listing asks about the
 * same few containers for thousands of children, so `first` answers are kept per
 * evaluation.
 */
function inheritedDescribe(ev: Evaluation, container: Securable, first: boolean): Source[] {
  const key = first ? securableKey(container) : '';
  const known = first ? ev.containers?.get(key) : undefined;
  if (known !== undefined) return known;
  const sources: Source[] = [];
  for (const grant of ev.snapshot.grantsAt(container)) {
    if (!ev.grantees.via.has(grant.holder) || NOT_INHERITED_FOR_DESCRIBE.has(grant.privilege)) {
      continue;
    }
    sources.push(describeSource(ev, container, grant));
    if (first) break;
  }
  if (first) ev.containers?.set(key, sources);
  return sources;
}

/**
 * Privileges that do not make a container's children visible (USAGE on the catalog is
 * common; the audit log and the external locations are no view of the tables).
 */
const NOT_INHERITED_FOR_DESCRIBE = new Set(['USAGE', 'READ_AUDIT', 'CREATE_EXTERNAL_TABLE']);

/**
 * DESCRIBE: any privilege on the securable, any privilege (but those above)
 * on an ancestor, or anything held below it, so a user can navigate to what they
 * were given. With `first`, stops at the first source (listings).
 */
export function describeSources(ev: Evaluation, securable: Securable, first = false): Source[] {
  const sources: Source[] = [];
  for (const grant of ev.snapshot.grantsAt(securable)) {
    if (!ev.grantees.via.has(grant.holder)) continue;
    sources.push(describeSource(ev, securable, grant));
    if (first) return sources;
  }
  for (const s of ancestorsOf(securable)) {
    const inherited = inheritedDescribe(ev, s, first);
    sources.push(...inherited);
    if (first && inherited.length > 0) return sources;
  }
  const holders = ev.snapshot.holdersAtOrBelow(securable);
  if (holders) {
    for (const [key, what] of holders) {
      const why = ev.grantees.via.get(key);
      if (why === undefined) continue;
      const who = key.startsWith('g:')
        ? `group ${key.slice(2)}${why ? ` (${why})` : ''}`
        : key.slice(2);
      sources.push({
        type: 'grant',
        description: `${what} held by ${who}, at or below ${securableText(securable)}`,
      });
      if (first) return sources;
    }
  }
  sources.push(...tagPolicySources(ev, securable, () => true));
  return sources;
}
