import type { Caller, PolicyAdmin, Principal, Privilege, Securable } from '../governance/index.js';
import { auditResource } from '../governance/index.js';
import type { AccessCheck, AccessGate, AuditFacts } from './access-gate.js';
import type { CatalogChanges } from './catalog-changes.js';
import { namespaceNotFound } from './catalog-errors.js';
import { refuseDetachingRenames } from './column-renames.js';
import {
  CATALOG,
  columnShapes,
  missingNamespaces,
  namespaceSecurable,
  parentOf,
  tableSecurable,
} from './catalog-securables.js';
import type {
  CatalogChange,
  CatalogService,
  ConvertedTable,
  CreateTableInput,
  ExternalTablePatch,
  ExternalTableSpec,
  NamespaceDescription,
  SchemaChange,
  SnapshotInfo,
  TableDescription,
  TableIdent,
} from './contract.js';
import { formatTableName } from './names.js';
import type { CatalogMetadata } from './metadata/catalog-metadata.js';
import { requireWholeTableRead } from './whole-table-read.js';
import { requireUnrestrictedRead } from './external/unrestricted-read.js';
import {
  changesReadOptions,
  requireRawFileRegistration,
} from './external/raw-file-registration.js';
import type { TermLinks } from './glossary/term-links.js';
import type { IcebergTable } from '../iceberg/index.js';
import { diffLimitedTo } from './schema-diff.js';
import type { SchemaDiff } from './schema-diff.js';
import {
  fieldIdsUnder,
  historyAsSeen,
  readSchemaHistory,
  schemaDiffOf,
  tableWithHistory,
} from './schema-history.js';
import type { SchemaVersion } from './schema-history.js';
import { columnsOf } from './table-description.js';

type NamespacePatch = Parameters<CatalogService['updateNamespace']>[1];
type TablePatch = Parameters<CatalogService['updateTable']>[1];
type TableListing = Awaited<ReturnType<CatalogService['listTables']>>;

export interface GovernedCatalogDeps {
  catalog: CatalogService;
  gate: AccessGate;
  /**
   * Ownership of what is created, grants that follow renames and drops, and the
   * policies that keep a column from being renamed.
   */
  policies: Pick<PolicyAdmin, 'recordOwner' | 'renamed' | 'dropped' | 'columnPolicies'>;
  /** Told of each committed change to namespaces and tables (the search index listens). */
  changes?: Pick<CatalogChanges, 'publish'>;
  /** Checks a table's business_metric property names a glossary term and links the table to it. */
  businessMetrics?: Pick<TermLinks, 'checkBusinessMetric' | 'businessMetricChanged'>;
  /** Typed property checks, history of description and property updates, column descriptions that follow schema changes. */
  metadata?: Pick<CatalogMetadata, 'checkNewProperties' | 'recordedUpdate' | 'schemaChanged'>;
}

/**
 * The catalog use cases as a caller may run them: each checks the caller's privilege,
 * shows only what the caller may DESCRIBE (hidden objects fail exactly as missing ones
 * do), keeps grants in step with creates, renames and drops, and is audited once.
 */
export class GovernedCatalog {
  readonly #catalog: CatalogService;
  readonly #gate: AccessGate;
  readonly #policies: GovernedCatalogDeps['policies'];
  readonly #changes: GovernedCatalogDeps['changes'];
  readonly #businessMetrics: GovernedCatalogDeps['businessMetrics'];
  readonly #metadata: GovernedCatalogDeps['metadata'];

  constructor(deps: GovernedCatalogDeps) {
    this.#catalog = deps.catalog;
    this.#gate = deps.gate;
    this.#policies = deps.policies;
    this.#changes = deps.changes;
    this.#businessMetrics = deps.businessMetrics;
    this.#metadata = deps.metadata;
  }

  createNamespace(
    caller: Caller,
    path: string[],
    input: { description?: string; properties?: Record<string, string> } = {},
  ): Promise<NamespaceDescription> {
    let missing: string[][] = [];
    const created = this.#run(
      caller,
      'namespace.create',
      namespaceSecurable(path),
      async (check) => {
        // Missing ancestors are created too, so the right is needed where creation starts.
        missing = await missingNamespaces(this.#catalog, path);
        await check.require('CREATE_NAMESPACE', parentOf(missing[0] ?? path));
        await this.#metadata?.checkNewProperties(
          { kind: 'namespace', path },
          input.properties ?? {},
        );
        const owner = caller.principal.name;
        const created = await this.#catalog.createNamespace(path, { ...input, owner });
        for (const level of missing) await this.#recordOwner(caller, namespaceSecurable(level));
        return created;
      },
    );
    return this.#published(created, () =>
      missing.map((level) => ({ kind: 'namespace', path: level })),
    );
  }

  listNamespaces(caller: Caller, parent?: string[]): Promise<NamespaceDescription[]> {
    const scope = parent === undefined ? CATALOG : namespaceSecurable(parent);
    return this.#run(caller, 'namespace.list', scope, async (check) => {
      const all = await this.#catalog.listNamespaces(parent);
      const shown = await this.#visibleOnly(caller.principal, all, (n) =>
        namespaceSecurable(n.path),
      );
      if (parent !== undefined) await this.#hideUnseen(check, caller, parent, shown.length);
      return shown;
    });
  }

  describeNamespace(caller: Caller, path: string[]): Promise<NamespaceDescription> {
    return this.#checked(caller, 'namespace.describe', namespaceSecurable(path), 'DESCRIBE', () =>
      this.#catalog.describeNamespace(path),
    );
  }

  updateNamespace(
    caller: Caller,
    path: string[],
    patch: NamespacePatch,
  ): Promise<NamespaceDescription> {
    const updated = this.#checked(
      caller,
      'namespace.update',
      namespaceSecurable(path),
      'ALTER',
      () =>
        this.#recordedUpdate({ kind: 'namespace', path }, caller, patch, () =>
          this.#catalog.updateNamespace(path, patch),
        ),
    );
    return this.#published(updated, () => [{ kind: 'namespace', path }]);
  }

  renameNamespace(caller: Caller, from: string[], to: string[]): Promise<void> {
    const securable = namespaceSecurable(from);
    const renamed = this.#run(caller, 'namespace.rename', securable, async (check) => {
      await check.require('ALTER', securable);
      const target = parentOf(to);
      if (!samePath(parentOf(from).path, target.path)) {
        await check.require('CREATE_NAMESPACE', target);
      }
      await this.#catalog.renameNamespace(from, to);
      await this.#policies.renamed(from, to);
    });
    return this.#published(renamed, () => [
      { kind: 'namespace', path: from, removed: true },
      { kind: 'namespace', path: to, renamedFrom: from },
    ]);
  }

  dropNamespace(
    caller: Caller,
    path: string[],
    options: { cascade?: boolean } = {},
  ): Promise<void> {
    const dropped = this.#checked(
      caller,
      'namespace.drop',
      namespaceSecurable(path),
      'DROP',
      async () => {
        await this.#catalog.dropNamespace(path, options);
        await this.#policies.dropped(path);
      },
    );
    return this.#published(dropped, () => [{ kind: 'namespace', path, removed: true }]);
  }

  createTable(
    caller: Caller,
    ident: TableIdent,
    input: CreateTableInput,
  ): Promise<TableDescription> {
    const created = this.#run(caller, 'table.create', tableSecurable(ident), async (check) => {
      await check.require('CREATE_TABLE', namespaceSecurable(ident.namespace));
      await this.#businessMetrics?.checkBusinessMetric(input.properties);
      const target = { kind: 'table' as const, path: tableSecurable(ident).path };
      await this.#metadata?.checkNewProperties(target, input.properties ?? {});
      const owner = caller.principal.name;
      const created = await this.#catalog.createTable(ident, { ...input, owner });
      await this.#recordOwner(caller, tableSecurable(ident));
      const properties = { setProperties: input.properties ?? {} };
      await this.#businessMetrics?.businessMetricChanged(ident, owner, properties);
      return created;
    });
    return this.#published(created, () => [tableChange(ident)]);
  }

  listTables(caller: Caller, namespace: string[]): Promise<TableListing> {
    return this.#run(caller, 'table.list', namespaceSecurable(namespace), async (check) => {
      const all = await this.#catalog.listTables(namespace);
      const shown = await this.#visibleOnly(caller.principal, all, (t) => tableSecurable(t));
      await this.#hideUnseen(check, caller, namespace, shown.length);
      return shown;
    });
  }

  describeTable(caller: Caller, ident: TableIdent): Promise<TableDescription> {
    return this.#checked(caller, 'table.describe', tableSecurable(ident), 'DESCRIBE', async () =>
      this.#asSeenBy(caller.principal, await this.#catalog.describeTable(ident)),
    );
  }

  updateTable(caller: Caller, ident: TableIdent, patch: TablePatch): Promise<TableDescription> {
    const updated = this.#checked(
      caller,
      'table.update',
      tableSecurable(ident),
      'ALTER',
      async () => {
        await this.#businessMetrics?.checkBusinessMetric(patch.setProperties);
        const target = { kind: 'table' as const, path: tableSecurable(ident).path };
        const table = await this.#recordedUpdate(target, caller, patch, () =>
          this.#catalog.updateTable(ident, patch),
        );
        await this.#businessMetrics?.businessMetricChanged(ident, caller.principal.name, patch);
        return this.#asSeenBy(caller.principal, table);
      },
    );
    return this.#published(updated, () => [tableChange(ident)]);
  }

  renameTable(caller: Caller, from: TableIdent, to: TableIdent): Promise<void> {
    const renamed = this.#run(caller, 'table.rename', tableSecurable(from), async (check) => {
      await check.require('ALTER', tableSecurable(from));
      if (!samePath(from.namespace, to.namespace)) {
        await check.require('CREATE_TABLE', namespaceSecurable(to.namespace));
      }
      await this.#catalog.renameTable(from, to);
      await this.#policies.renamed(tableSecurable(from).path, tableSecurable(to).path);
    });
    return this.#published(renamed, () => [
      { ...tableChange(from), removed: true },
      { ...tableChange(to), renamedFrom: [...from.namespace, from.name] },
    ]);
  }

  dropTable(caller: Caller, ident: TableIdent, options: { purge?: boolean } = {}): Promise<void> {
    const dropped = this.#checked(caller, 'table.drop', tableSecurable(ident), 'DROP', async () => {
      await this.#catalog.dropTable(ident, options);
      await this.#policies.dropped(tableSecurable(ident).path);
    });
    return this.#published(dropped, () => [{ ...tableChange(ident), removed: true }]);
  }

  snapshots(caller: Caller, ident: TableIdent): Promise<SnapshotInfo[]> {
    return this.#checked(caller, 'table.snapshots', tableSecurable(ident), 'DESCRIBE', () =>
      this.#catalog.snapshots(ident),
    );
  }

  rollback(caller: Caller, ident: TableIdent, snapshotId: bigint): Promise<SnapshotInfo> {
    return this.#checked(
      caller,
      'table.rollback',
      tableSecurable(ident),
      'MODIFY',
      () => this.#catalog.rollback(ident, snapshotId),
      (s) => ({ snapshots: [{ table: formatTableName(ident), snapshotId: s.snapshotId }] }),
    );
  }

  deleteRows(
    caller: Caller,
    ident: TableIdent,
    where: string,
  ): Promise<{ deletedRows: number; snapshotId: string | null }> {
    const securable = tableSecurable(ident);
    return this.#run(
      caller,
      'table.delete_rows',
      securable,
      async (check) => {
        await check.require('MODIFY', securable);
        const context = { gate: this.#gate, catalog: this.#catalog, check, caller };
        await requireWholeTableRead(context, ident, 'delete');
        return this.#catalog.deleteRows(ident, where);
      },
      (r) => ({
        queryText: where,
        snapshots: [{ table: formatTableName(ident), snapshotId: r.snapshotId }],
      }),
    );
  }

  evolveSchema(
    caller: Caller,
    ident: TableIdent,
    changes: SchemaChange[],
  ): Promise<TableDescription> {
    const evolved = this.#checked(
      caller,
      'table.evolve_schema',
      tableSecurable(ident),
      'ALTER',
      async () => {
        await refuseDetachingRenames(this.#policies, ident, changes);
        const evolved = await this.#catalog.evolveSchema(ident, changes);
        await this.#metadata?.schemaChanged(tableSecurable(ident).path, changes);
        return this.#asSeenBy(caller.principal, evolved);
      },
    );
    return this.#published(evolved, () => [tableChange(ident)]);
  }

  /** After the use case succeeded (committed and audited), its changes are published. */
  async #published<T>(work: Promise<T>, changes: () => CatalogChange[]): Promise<T> {
    const result = await work;
    for (const change of changes()) await this.#changes?.publish(change);
    return result;
  }

  /** A use case that needs one privilege on the securable it acts on. */
  #checked<T>(
    caller: Caller,
    action: string,
    securable: Securable,
    privilege: Privilege,
    work: () => Promise<T>,
    facts?: (result: T) => AuditFacts,
  ): Promise<T> {
    const checked = async (check: AccessCheck): Promise<T> => {
      await check.require(privilege, securable);
      return work();
    };
    return this.#run(caller, action, securable, checked, facts);
  }

  #run<T>(
    caller: Caller,
    action: string,
    securable: Securable,
    work: (check: AccessCheck) => Promise<T>,
    facts?: (result: T) => AuditFacts,
  ): Promise<T> {
    return this.#gate.run(caller, action, auditResource(securable), work, facts);
  }

  /** Columns the caller cannot read are left out of what it is shown (DESCRIBE alone sees all). */
  async #asSeenBy(principal: Principal, table: TableDescription): Promise<TableDescription> {
    const path = tableSecurable(table).path;
    const policy = await this.#gate.authorizer.readPolicy(principal, path, columnShapes(table));
    if (!policy.allowed || policy.columns === undefined) return table;
    const visible = new Set(policy.columns);
    const { external } = table;
    return {
      ...table,
      columns: table.columns.filter((c) => visible.has(c.name)),
      partitionSpec: table.partitionSpec.filter((p) => visible.has(p.sourceColumn)),
      sortOrder: table.sortOrder.filter((s) => visible.has(s.column)),
      // An external table's read options name its columns too.
      ...(external === undefined
        ? {}
        : {
            external: {
              ...external,
              columns: external.columns.filter((c) => visible.has(c.name)),
              partitionColumns: external.partitionColumns.filter((c) => visible.has(c.name)),
            },
          }),
    };
  }

  async #visibleOnly<T>(
    principal: Principal,
    items: T[],
    securableOf: (item: T) => Securable,
  ): Promise<T[]> {
    const visible = await this.#gate.authorizer.visible(principal, items.map(securableOf));
    return items.filter((_, i) => visible[i] === true);
  }

  /**
   * An empty listing of a namespace the caller may not see fails as a missing one would,
   * so listing does not reveal that it exists. Layers are no secret.
   */
  async #hideUnseen(
    check: AccessCheck,
    caller: Caller,
    path: string[],
    shown: number,
  ): Promise<void> {
    if (shown > 0 || path.length <= 1) return;
    const [visible] = await this.#gate.authorizer.visible(caller.principal, [
      namespaceSecurable(path),
    ]);
    if (visible !== true) throw check.refuse(namespaceNotFound(path));
  }

  /** A description or property update, checked against property definitions and kept in the history. */
  #recordedUpdate<T extends { description: string | null; properties: Record<string, string> }>(
    target: { kind: 'namespace' | 'table'; path: string[] },
    caller: Caller,
    patch: NamespacePatch,
    update: () => Promise<T>,
  ): Promise<T> {
    if (this.#metadata === undefined) return update();
    return this.#metadata.recordedUpdate(target, patch, caller.principal.name, update);
  }

  #recordOwner(caller: Caller, securable: Securable): Promise<void> {
    const { name } = caller.principal;
    return this.#policies.recordOwner(securable, { kind: 'principal', name }, name);
  }

  /** Every schema version with the snapshot that introduced it and what changed (DESCRIBE). */
  schemaHistory(caller: Caller, ident: TableIdent): Promise<SchemaVersion[]> {
    return this.#checked(
      caller,
      'table.schema_history',
      tableSecurable(ident),
      'DESCRIBE',
      async () => {
        const table = await tableWithHistory(this.#catalog, ident);
        const history = await readSchemaHistory(table);
        const visible = await this.#visibleFieldIds(caller.principal, ident, table);
        return visible === undefined ? history : historyAsSeen(history, visible);
      },
    );
  }

  /** The changes between two schema versions of a table, by field id (DESCRIBE). */
  schemaDiff(caller: Caller, ident: TableIdent, from: number, to: number): Promise<SchemaDiff> {
    return this.#checked(
      caller,
      'table.schema_diff',
      tableSecurable(ident),
      'DESCRIBE',
      async () => {
        const table = await tableWithHistory(this.#catalog, ident);
        const diff = schemaDiffOf(ident, table, from, to);
        const visible = await this.#visibleFieldIds(caller.principal, ident, table);
        return visible === undefined ? diff : diffLimitedTo(diff, (id) => visible.has(id));
      },
    );
  }

  /** undefined when the caller may see every column. */
  async #visibleFieldIds(
    principal: Principal,
    ident: TableIdent,
    table: IcebergTable,
  ): Promise<Set<number> | undefined> {
    const columns = columnsOf(table.schema());
    const path = tableSecurable(ident).path;
    const policy = await this.#gate.authorizer.readPolicy(
      principal,
      path,
      columnShapes({ columns }),
    );
    if (!policy.allowed || policy.columns === undefined) return undefined;
    return fieldIdsUnder(table, policy.columns);
  }

  /** Registers raw files in place as a table (CREATE_TABLE on the namespace); the caller owns it. */
  createExternalTable(
    caller: Caller,
    ident: TableIdent,
    spec: ExternalTableSpec,
    input: { description?: string; properties?: Record<string, string> } = {},
  ): Promise<TableDescription> {
    const securable = tableSecurable(ident);
    const created = this.#run(caller, 'table.create_external', securable, async (check) => {
      await check.require('CREATE_TABLE', namespaceSecurable(ident.namespace));
      await requireRawFileRegistration(check);
      const target = { kind: 'table' as const, path: securable.path };
      await this.#metadata?.checkNewProperties(target, input.properties ?? {});
      const owner = caller.principal.name;
      const table = await this.#catalog.createExternalTable(ident, spec, { ...input, owner });
      await this.#recordOwner(caller, securable);
      return table;
    });
    return this.#published(created, () => [tableChange(ident)]);
  }

  /** Changes an external table's read options or properties (ALTER). */
  updateExternalTable(
    caller: Caller,
    ident: TableIdent,
    patch: ExternalTablePatch,
  ): Promise<TableDescription> {
    const securable = tableSecurable(ident);
    const updated = this.#run(caller, 'table.update_external', securable, async (check) => {
      await check.require('ALTER', securable);
      if (changesReadOptions(patch)) {
        await requireRawFileRegistration(check);
      }
      return this.#asSeenBy(
        caller.principal,
        await this.#catalog.updateExternalTable(ident, patch),
      );
    });
    return this.#published(updated, () => [tableChange(ident)]);
  }

  /**
   * Copies an external table into a new Iceberg table: SELECT on the whole source (no
   * filter or mask narrowing it), CREATE_TABLE where the copy goes (or CREATE_NAMESPACE
   * where its missing namespaces start), and DROP on the source to drop it after.
   */
  convertExternalTable(
    caller: Caller,
    from: TableIdent,
    to: TableIdent,
    options: { dropSource?: boolean } = {},
  ): Promise<ConvertedTable> {
    const converted = this.#run(
      caller,
      'table.convert',
      tableSecurable(to),
      async (check) => {
        await check.require('SELECT', tableSecurable(from));
        const source = await this.#catalog.describeTable(from);
        await requireUnrestrictedRead(this.#gate, check, caller, source);
        const missing = await missingNamespaces(this.#catalog, to.namespace);
        const first = missing[0];
        if (first === undefined) {
          await check.require('CREATE_TABLE', namespaceSecurable(to.namespace));
        } else {
          await check.require('CREATE_NAMESPACE', parentOf(first));
        }
        if (options.dropSource === true) await check.require('DROP', tableSecurable(from));
        const owner = caller.principal.name;
        if (first !== undefined) {
          await this.#catalog.createNamespace([...to.namespace], { owner });
          for (const level of missing) await this.#recordOwner(caller, namespaceSecurable(level));
        }
        const result = await this.#catalog.convertExternalTable(from, to, { owner });
        await this.#recordOwner(caller, tableSecurable(to));
        if (options.dropSource === true) {
          await this.#catalog.dropTable(from);
          await this.#policies.dropped(tableSecurable(from).path);
        }
        return result;
      },
      (r) => ({
        snapshots: [{ table: formatTableName(to), snapshotId: r.table.currentSnapshotId }],
      }),
    );
    return this.#published(converted, () => [
      tableChange(to),
      ...(options.dropSource === true ? [{ ...tableChange(from), removed: true }] : []),
    ]);
  }
}

function tableChange(ident: TableIdent): CatalogChange {
  return { kind: 'table', path: [...ident.namespace, ident.name] };
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((level, i) => level === b[i]);
}
