import type { BusinessEntryRecord, Metastore } from '../../metastore/index.js';
import { identOfPath } from '../catalog-securables.js';
import type { CatalogService, ColumnInfo } from '../contract.js';
import type { DescribedFields } from './metadata-changes.js';
import { patched } from './metadata-changes.js';
import type { MetadataTarget } from './metadata-target.js';
import { targetNotFound } from './metadata-target.js';

export interface MetadataStateDeps {
  catalog: Pick<
    CatalogService,
    'describeNamespace' | 'describeTable' | 'updateNamespace' | 'updateTable'
  >;
  /** volumes: a volume's own row holds its description. */
  metastore: Pick<Metastore, 'metadata' | 'volumes'>;
}

/** Everything business metadata is made of for one securable, as it is now. */
export interface MetadataState {
  target: MetadataTarget;
  fields: DescribedFields;
  entry: BusinessEntryRecord;
  /** Tables only. */
  columns: ColumnInfo[];
  /** Volumes only: the row its description is written to. */
  volumeId?: string;
}

export interface FieldsPatch {
  description?: string | null;
  setProperties?: Record<string, string>;
  removeProperties?: string[];
}

export const NO_ENTRY: BusinessEntryRecord = {
  properties: null,
  owner: null,
  certification: null,
};

/** The securable's metadata; NotFound (the catalog's own error) when it does not exist. */
export async function readState(
  deps: MetadataStateDeps,
  target: MetadataTarget,
): Promise<MetadataState> {
  const entry = (await deps.metastore.metadata.get(target)) ?? NO_ENTRY;
  switch (target.kind) {
    case 'namespace': {
      const ns = await deps.catalog.describeNamespace(target.path);
      const fields = { description: ns.description, properties: ns.properties };
      return { target, fields, entry, columns: [] };
    }
    case 'table': {
      const table = await deps.catalog.describeTable(identOfPath(target.path));
      const fields = { description: table.description, properties: table.properties };
      return { target, fields, entry, columns: table.columns };
    }
    case 'volume': {
      const volume = await deps.metastore.volumes.get(
        target.path.slice(0, -1),
        target.path[target.path.length - 1] ?? '',
      );
      if (volume === undefined) throw targetNotFound(target);
      const fields = { description: volume.description, properties: entry.properties ?? {} };
      return { target, fields, entry, columns: [], volumeId: volume.id };
    }
  }
}

/**
 * Writes description and properties where they live: the row of a namespace or table
 * (through the catalog, which mirrors some properties into Iceberg), or for a volume its
 * row (description) and its entry (properties), which the caller saves with the rest.
 */
export async function writeFields(
  deps: MetadataStateDeps,
  state: MetadataState,
  patch: FieldsPatch,
): Promise<{ fields: DescribedFields; entry: BusinessEntryRecord }> {
  const { target, entry } = state;
  const touches =
    patch.description !== undefined ||
    Object.keys(patch.setProperties ?? {}).length > 0 ||
    (patch.removeProperties ?? []).length > 0;
  if (!touches) return { fields: state.fields, entry };
  if (target.kind === 'volume') {
    const description =
      patch.description === undefined || state.volumeId === undefined
        ? state.fields.description
        : (await deps.metastore.volumes.update(state.volumeId, { description: patch.description }))
            .description;
    const properties = patched(
      state.fields.properties,
      patch.setProperties,
      patch.removeProperties,
    );
    return { fields: { description, properties }, entry: { ...entry, properties } };
  }
  const updated =
    target.kind === 'namespace'
      ? await deps.catalog.updateNamespace(target.path, patch)
      : await deps.catalog.updateTable(identOfPath(target.path), patch);
  return { fields: { description: updated.description, properties: updated.properties }, entry };
}
