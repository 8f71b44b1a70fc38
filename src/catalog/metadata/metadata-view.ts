import type { Authorizer, Principal } from '../../governance/index.js';
import type { Metastore } from '../../metastore/index.js';
import { columnShapes } from '../catalog-securables.js';
import type { BusinessMetadata, Certification } from '../contract.js';
import type { MetadataState } from './metadata-state.js';
import type { MetadataKind } from './metadata-target.js';
import { securableOf, targetName } from './metadata-target.js';
import type { PropertyDefinitions } from './property-definitions.js';

/** Business metadata as a caller is shown it. */
export interface SecurableMetadata extends BusinessMetadata {
  kind: MetadataKind;
  name: string;
  /** Who governs it (OWNER), shown when no business owner is set. */
  governanceOwner: { kind: 'principal' | 'group'; name: string } | null;
  /** Properties its layer requires (by definition) that it lacks. */
  missingProperties: string[];
  /** Tables: the columns the caller may see, each with its description. */
  columns: { name: string; type: string; description: string | null }[];
}

export interface MetadataViewDeps {
  metastore: Pick<Metastore, 'metadata' | 'grants'>;
  authorizer: Pick<Authorizer, 'readPolicy'>;
  definitions: Pick<PropertyDefinitions, 'missing'>;
}

/** The business metadata of a securable whole (search reads it so). */
export async function businessMetadata(
  deps: Pick<MetadataViewDeps, 'metastore'>,
  state: MetadataState,
): Promise<BusinessMetadata> {
  const { entry, fields, target } = state;
  // Descriptions of columns dropped outside schema evolution stay stored but are not shown.
  const columns = new Set(state.columns.map((c) => c.name));
  const described =
    target.kind === 'table' ? await deps.metastore.metadata.columnDescriptions(target.path) : {};
  return {
    description: fields.description,
    owner: entry.owner,
    certification:
      entry.certification === null
        ? null
        : {
            ...entry.certification,
            status: entry.certification.status as Certification,
            at: entry.certification.at.toISOString(),
          },
    properties: fields.properties,
    columnDescriptions: Object.fromEntries(
      Object.entries(described).filter(([name]) => columns.has(name)),
    ),
  };
}

/** What the caller is shown: columns it cannot read are left out. */
export async function metadataAsSeen(
  deps: MetadataViewDeps,
  principal: Principal,
  state: MetadataState,
): Promise<SecurableMetadata> {
  const { target } = state;
  const base = await businessMetadata(deps, state);
  const visible = await visibleColumns(deps, principal, state);
  const columnDescriptions = Object.fromEntries(
    Object.entries(base.columnDescriptions).filter(([name]) => visible.has(name)),
  );
  const owner = (await deps.metastore.grants.listOn(securableOf(target))).find(
    (g) => g.privilege === 'OWNER',
  );
  return {
    kind: target.kind,
    name: targetName(target),
    ...base,
    columnDescriptions,
    governanceOwner:
      owner === undefined ? null : { kind: owner.grantee.kind, name: owner.grantee.name },
    missingProperties: await deps.definitions.missing(target, state.fields.properties),
    columns: state.columns
      .filter((c) => visible.has(c.name))
      .map((c) => ({
        name: c.name,
        type: c.type,
        description: columnDescriptions[c.name] ?? null,
      })),
  };
}

/** As the catalog shows a table: columns the caller cannot read are left out (DESCRIBE alone sees all). */
export async function visibleColumns(
  deps: MetadataViewDeps,
  principal: Principal,
  state: MetadataState,
): Promise<Set<string>> {
  const all = new Set(state.columns.map((c) => c.name));
  if (state.target.kind !== 'table') return all;
  const policy = await deps.authorizer.readPolicy(
    principal,
    state.target.path,
    columnShapes(state),
  );
  if (!policy.allowed || policy.columns === undefined) return all;
  return new Set(policy.columns);
}
