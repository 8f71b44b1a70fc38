import type { Caller, PolicyAdmin, Principal, Privilege, Securable } from '../governance/index.js';
import { auditResource } from '../governance/index.js';
import type { AccessCheck, AccessGate, AuditFacts } from './access-gate.js';
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
  CatalogService,
  CreateTableInput,
  NamespaceDescription,
  SchemaChange,
  SnapshotInfo,
  TableDescription,
  TableIdent,
} from './contract.js';
import { formatTableName } from './names.js';
import { requireWholeTableRead } from './whole-table-read.js';

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

  constructor(deps: GovernedCatalogDeps) {
    this.#catalog = deps.catalog;
    this.#gate = deps.gate;
    this.#policies = deps.policies;
  }

  createNamespace(
    caller: Caller,
    path: string[],
    input: { description?: string; properties?: Record<string, string> } = {},
  ): Promise<NamespaceDescription> {
    return this.#run(caller, 'namespace.create', namespaceSecurable(path), async (check) => {
      // Missing ancestors are created too, so the right is needed where creation starts.
      const missing = await missingNamespaces(this.#catalog, path);
      await check.require('CREATE_NAMESPACE', parentOf(missing[0] ?? path));
      const owner = caller.principal.name;
      const created = await this.#catalog.createNamespace(path, { ...input, owner });
      for (const level of missing) await this.#recordOwner(caller, namespaceSecurable(level));
      return created;
    });
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
    return this.#checked(caller, 'namespace.update', namespaceSecurable(path), 'ALTER', () =>
      this.#catalog.updateNamespace(path, patch),
    );
  }

  renameNamespace(caller: Caller, from: string[], to: string[]): Promise<void> {
    const securable = namespaceSecurable(from);
    return this.#run(caller, 'namespace.rename', securable, async (check) => {
      await check.require('ALTER', securable);
      const target = parentOf(to);
      if (!samePath(parentOf(from).path, target.path)) {
        await check.require('CREATE_NAMESPACE', target);
      }
      await this.#catalog.renameNamespace(from, to);
      await this.#policies.renamed(from, to);
    });
  }

  dropNamespace(
    caller: Caller,
    path: string[],
    options: { cascade?: boolean } = {},
  ): Promise<void> {
    return this.#checked(caller, 'namespace.drop', namespaceSecurable(path), 'DROP', async () => {
      await this.#catalog.dropNamespace(path, options);
      await this.#policies.dropped(path);
    });
  }

  createTable(
    caller: Caller,
    ident: TableIdent,
    input: CreateTableInput,
  ): Promise<TableDescription> {
    return this.#run(caller, 'table.create', tableSecurable(ident), async (check) => {
      await check.require('CREATE_TABLE', namespaceSecurable(ident.namespace));
      const owner = caller.principal.name;
      const created = await this.#catalog.createTable(ident, { ...input, owner });
      await this.#recordOwner(caller, tableSecurable(ident));
      return created;
    });
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
    return this.#checked(caller, 'table.update', tableSecurable(ident), 'ALTER', async () =>
      this.#asSeenBy(caller.principal, await this.#catalog.updateTable(ident, patch)),
    );
  }

  renameTable(caller: Caller, from: TableIdent, to: TableIdent): Promise<void> {
    return this.#run(caller, 'table.rename', tableSecurable(from), async (check) => {
      await check.require('ALTER', tableSecurable(from));
      if (!samePath(from.namespace, to.namespace)) {
        await check.require('CREATE_TABLE', namespaceSecurable(to.namespace));
      }
      await this.#catalog.renameTable(from, to);
      await this.#policies.renamed(tableSecurable(from).path, tableSecurable(to).path);
    });
  }

  dropTable(caller: Caller, ident: TableIdent, options: { purge?: boolean } = {}): Promise<void> {
    return this.#checked(caller, 'table.drop', tableSecurable(ident), 'DROP', async () => {
      await this.#catalog.dropTable(ident, options);
      await this.#policies.dropped(tableSecurable(ident).path);
    });
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
    return this.#checked(
      caller,
      'table.evolve_schema',
      tableSecurable(ident),
      'ALTER',
      async () => {
        await refuseDetachingRenames(this.#policies, ident, changes);
        return this.#asSeenBy(caller.principal, await this.#catalog.evolveSchema(ident, changes));
      },
    );
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
    return {
      ...table,
      columns: table.columns.filter((c) => visible.has(c.name)),
      partitionSpec: table.partitionSpec.filter((p) => visible.has(p.sourceColumn)),
      sortOrder: table.sortOrder.filter((s) => visible.has(s.column)),
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

  #recordOwner(caller: Caller, securable: Securable): Promise<void> {
    const { name } = caller.principal;
    return this.#policies.recordOwner(securable, { kind: 'principal', name }, name);
  }
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((level, i) => level === b[i]);
}
