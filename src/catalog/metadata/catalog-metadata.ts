import { InvalidInput } from '../../errors/index.js';
import type { Caller, Privilege } from '../../governance/index.js';
import { auditResource } from '../../governance/index.js';
import type { BusinessEntryRecord, Metastore } from '../../metastore/index.js';
import type { AccessCheck, AccessGate } from '../access-gate.js';
import type { CatalogChanges } from '../catalog-changes.js';
import type { BusinessMetadata, MetadataReader, SchemaChange } from '../contract.js';
import { columnNotFound, emptyColumnChange } from './column-errors.js';
import type { FieldChange } from './metadata-changes.js';
import { certificationText, fieldChanges, ownerText } from './metadata-changes.js';
import type { BusinessOwnerInput, CertificationInput } from './metadata-input.js';
import { checkCertification, checkOwner, descriptionOf } from './metadata-input.js';
import type { FieldsPatch, MetadataState, MetadataStateDeps } from './metadata-state.js';
import { readState, writeFields } from './metadata-state.js';
import type { MetadataKind, MetadataTarget } from './metadata-target.js';
import { parseTarget, securableOf, targetName, targetNotFound } from './metadata-target.js';
import type { PropertyDefinitions } from './property-definitions.js';
import type { MetadataViewDeps, SecurableMetadata } from './metadata-view.js';
import { businessMetadata, metadataAsSeen, visibleColumns } from './metadata-view.js';

const COLUMN_DESCRIPTION = 'column_description:';

export interface MetadataPatch extends FieldsPatch {
  /** null removes the business owner (the governance owner is shown again). */
  owner?: BusinessOwnerInput | null;
}

export interface MetadataChange extends FieldChange {
  changedBy: string;
  changedAt: string;
}

export interface CatalogMetadataDeps extends MetadataStateDeps {
  metastore: Pick<
    Metastore,
    'metadata' | 'volumes' | 'grants' | 'principals' | 'groups' | 'transaction'
  >;
  gate: AccessGate;
  definitions: PropertyDefinitions;
  changes: Pick<CatalogChanges, 'publish'>;
}

/**
 * The business metadata of namespaces, tables and volumes: descriptions (also of
 * columns), the business owner, certification and properties. Reading needs DESCRIBE,
 * changing needs ALTER; every change is validated, kept in the history and audited.
 */
export class CatalogMetadata implements MetadataReader {
  readonly #deps: CatalogMetadataDeps;

  readonly #view: MetadataViewDeps;

  constructor(deps: CatalogMetadataDeps) {
    this.#deps = deps;
    this.#view = { ...deps, authorizer: deps.gate.authorizer };
  }

  /** For search: no caller, every column. */
  async read(kind: MetadataKind, path: string[]): Promise<BusinessMetadata> {
    const state = await readState(this.#deps, { kind, path });
    return businessMetadata(this.#deps, state);
  }

  show(caller: Caller, target: MetadataTarget): Promise<SecurableMetadata> {
    return this.#use(caller, 'metadata.describe', target, 'DESCRIBE', async () =>
      metadataAsSeen(this.#view, caller.principal, await readState(this.#deps, target)),
    );
  }

  async update(
    caller: Caller,
    target: MetadataTarget,
    patch: MetadataPatch,
  ): Promise<SecurableMetadata> {
    const fields: FieldsPatch = {
      ...(patch.description === undefined ? {} : { description: descriptionOf(patch.description) }),
      ...(patch.setProperties === undefined ? {} : { setProperties: patch.setProperties }),
      ...(patch.removeProperties === undefined ? {} : { removeProperties: patch.removeProperties }),
    };
    return this.#change(caller, 'metadata.update', target, async (state) => {
      const owner =
        patch.owner === undefined
          ? state.entry.owner
          : patch.owner === null
            ? null
            : await checkOwner(this.#deps.metastore, patch.owner);
      await this.#deps.definitions.check(target, state.fields.properties, fields);
      const written = await writeFields(this.#deps, state, fields);
      const changes = fieldChanges(state.fields, written.fields);
      const [oldOwner, newOwner] = [ownerText(state.entry.owner), ownerText(owner)];
      if (oldOwner !== newOwner) {
        changes.push({ field: 'owner', oldValue: oldOwner, newValue: newOwner });
      }
      return { entry: { ...written.entry, owner }, changes };
    });
  }

  /** Sets (text) or removes (null) the descriptions of some of a table's columns. */
  async describeColumns(
    caller: Caller,
    tablePath: string[],
    descriptions: Record<string, string | null>,
  ): Promise<SecurableMetadata> {
    const target = parseTarget('table', tablePath.join('.'));
    if (Object.keys(descriptions).length === 0) throw emptyColumnChange(target);
    return this.#change(caller, 'metadata.describe_columns', target, async (state) => {
      const names = new Set(state.columns.map((c) => c.name));
      const unknown = Object.keys(descriptions).filter((c) => !names.has(c));
      if (unknown.length > 0) throw columnNotFound(target, unknown, [...names]);
      const current = await this.#deps.metastore.metadata.columnDescriptions(target.path);
      const changes: FieldChange[] = [];
      for (const [column, text] of Object.entries(descriptions)) {
        const [oldValue, newValue] = [current[column] ?? null, descriptionOf(text)];
        if (oldValue !== newValue) {
          changes.push({ field: `column_description:${column}`, oldValue, newValue });
        }
      }
      return { entry: state.entry, changes };
    });
  }

  async certify(
    caller: Caller,
    target: MetadataTarget,
    input: CertificationInput,
  ): Promise<SecurableMetadata> {
    const checked = checkCertification(input);
    return this.#change(caller, 'metadata.certify', target, async (state, by) => {
      if (checked.replacement !== null) {
        await this.#requireReplacement(caller, target, checked.replacement);
      }
      const certification = { ...checked, by, at: new Date() };
      const change = {
        field: 'certification',
        oldValue: certificationText(state.entry.certification),
        newValue: certificationText(certification),
      };
      return { entry: { ...state.entry, certification }, changes: [change] };
    });
  }

  /** Every change of the securable's metadata, newest first. */
  history(
    caller: Caller,
    target: MetadataTarget,
    options: { limit?: number } = {},
  ): Promise<MetadataChange[]> {
    return this.#use(caller, 'metadata.history', target, 'DESCRIBE', async () => {
      const state = await readState(this.#deps, target);
      const visible = await visibleColumns(this.#view, caller.principal, state);
      // Past descriptions of a column the caller may not see are hidden like its current one;
      // when any column is hidden, so are those of columns since renamed or dropped.
      const restricted = state.columns.some((c) => !visible.has(c.name));
      const rows = (await this.#deps.metastore.metadata.history(target, options.limit)).filter(
        (r) =>
          !restricted ||
          !r.field.startsWith(COLUMN_DESCRIPTION) ||
          visible.has(r.field.slice(COLUMN_DESCRIPTION.length)),
      );
      return rows.map((r) => ({
        field: r.field,
        oldValue: r.oldValue,
        newValue: r.newValue,
        changedBy: r.changedBy,
        changedAt: r.changedAt.toISOString(),
      }));
    });
  }

  /**
   * For the catalog's own update use cases (table and namespace update): their property
   * writes follow the definitions, and what they change goes into the history.
   */
  async recordedUpdate<
    T extends { description: string | null; properties: Record<string, string> },
  >(target: MetadataTarget, patch: FieldsPatch, by: string, update: () => Promise<T>): Promise<T> {
    const before = await readState(this.#deps, target);
    await this.#deps.definitions.check(target, before.fields.properties, patch);
    const updated = await update();
    const changes = fieldChanges(before.fields, updated);
    await this.#deps.metastore.metadata.appendHistory(
      changes.map((c) => ({ ...c, securable: target, changedBy: by })),
    );
    return updated;
  }

  /** For table and namespace creation: the properties given must follow the definitions. */
  checkNewProperties(target: MetadataTarget, properties: Record<string, string>): Promise<void> {
    return this.#deps.definitions.check(
      target,
      {},
      { setProperties: properties },
      { creating: true },
    );
  }

  /** Column descriptions follow renames made by schema evolution and go with dropped columns. */
  async schemaChanged(tablePath: string[], changes: readonly SchemaChange[]): Promise<void> {
    const { metadata } = this.#deps.metastore;
    for (const change of changes) {
      if (change.kind === 'rename') {
        const parent = change.name.slice(0, change.name.lastIndexOf('.') + 1);
        await metadata.renameColumn(tablePath, change.name, `${parent}${change.newName}`);
      } else if (change.kind === 'drop') {
        await metadata.setColumnDescription(tablePath, change.name, null);
      }
    }
  }

  /** A governed, audited change: ALTER, then the entry, column descriptions and history in one transaction. */
  #change(
    caller: Caller,
    action: string,
    target: MetadataTarget,
    work: (
      state: MetadataState,
      by: string,
    ) => Promise<{ entry: BusinessEntryRecord; changes: FieldChange[] }>,
  ): Promise<SecurableMetadata> {
    return this.#use(caller, action, target, 'ALTER', async () => {
      const state = await readState(this.#deps, target);
      const by = caller.principal.name;
      const { entry, changes } = await work(state, by);
      await this.#deps.metastore.transaction(async (tx) => {
        await tx.metadata.put(target, entry);
        for (const c of changes) {
          if (!c.field.startsWith('column_description:')) continue;
          const column = c.field.slice('column_description:'.length);
          await tx.metadata.setColumnDescription(target.path, column, c.newValue);
        }
        await tx.metadata.appendHistory(
          changes.map((c) => ({ ...c, securable: target, changedBy: by })),
        );
      });
      await this.#deps.changes.publish({ kind: target.kind, path: target.path });
      return metadataAsSeen(this.#view, caller.principal, await readState(this.#deps, target));
    });
  }

  #use<T>(
    caller: Caller,
    action: string,
    target: MetadataTarget,
    privilege: Privilege,
    work: (check: AccessCheck) => Promise<T>,
  ): Promise<T> {
    const securable = securableOf(target);
    return this.#deps.gate.run(caller, action, auditResource(securable), async (check) => {
      await check.require(privilege, securable);
      return work(check);
    });
  }

  /** The replacement exists and the caller may see it; a hidden one is as missing. */
  async #requireReplacement(caller: Caller, target: MetadataTarget, name: string): Promise<void> {
    const replacement = parseTarget(target.kind, name);
    if (targetName(replacement) === targetName(target)) {
      throw new InvalidInput(
        'INVALID_CERTIFICATION',
        `${targetName(target)} cannot replace itself.`,
        { hint: 'Name the securable users should move to.' },
      );
    }
    const [visible] = await this.#deps.gate.authorizer.visible(caller.principal, [
      securableOf(replacement),
    ]);
    if (visible !== true) throw targetNotFound(replacement);
    await readState(this.#deps, replacement);
  }
}
