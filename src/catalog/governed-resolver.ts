import type { ResolvedTable, TableReference, TableResolver } from '../engine/index.js';
import { ErrorKind, LakewardError, PermissionDenied } from '../errors/index.js';
import type { Authorizer, ColumnShape, Principal, ReadPolicy } from '../governance/index.js';
import { typeToString } from '../iceberg/index.js';
import type { Schema } from '../iceberg/index.js';
import type { AccessCheck } from './access-gate.js';
import { identOfReference } from './table-resolver.js';

/** The audit log as a SQL table; it checks READ_AUDIT itself. */
export interface AuditTable {
  resolve(principal: Principal): Promise<ResolvedTable>;
}

/** Volumes as SQL tables of their files; access is decided by the resolver. */
export interface VolumeTables {
  /** Whether a volume (not a table) has this path. */
  exists(path: string[]): Promise<boolean>;
  /** The volume's file list as a table: path, size_bytes, sha256, image_width, exif_make … */
  fileTable(path: string[]): Promise<ResolvedTable>;
}

/** One table a query read, for its audit event. */
export interface TableRead {
  name: string;
  snapshotId: string | null;
  /** Columns the caller saw (after the read policy). */
  columns: string[];
  applied: ReadPolicy['applied'];
}

const SYSTEM_AUDIT = ['system', 'audit'];
const NOTHING_APPLIED: ReadPolicy['applied'] = { grants: [], filters: [], masks: [] };

function isSystemAudit(ref: TableReference): boolean {
  return (
    ref.parts.length === SYSTEM_AUDIT.length &&
    ref.parts.every((p, i) => p.toLowerCase() === SYSTEM_AUDIT[i])
  );
}

/**
 * The tables of one query as its caller may read them: the catalog resolves the name
 * and snapshot, then the caller's read policy (as of now, also for time travel) sets
 * the visible columns, masks and row filter the engine applies. A table the caller
 * may not read fails as governance says: not found when it may not even see it.
 */
export class GovernedResolver implements TableResolver {
  /** Keyed by name and snapshot: the engine may resolve a reference more than once. */
  readonly #reads = new Map<string, TableRead>();

  /** The table being resolved when resolution stopped: what a refused query asked for. */
  #attempted: string | undefined;

  constructor(
    private readonly deps: {
      tables: Required<TableResolver>;
      auditTable: AuditTable;
      authorizer: Pick<Authorizer, 'readPolicy' | 'visible'>;
      volumes?: VolumeTables;
    },
    private readonly principal: Principal,
    private readonly check: AccessCheck,
  ) {}

  /** What the query has read so far. */
  get reads(): TableRead[] {
    return [...this.#reads.values()];
  }

  get attempted(): string | undefined {
    return this.#attempted;
  }

  async describe(
    ref: TableReference,
  ): Promise<Pick<ResolvedTable, 'name' | 'schema' | 'columns' | 'masks'>> {
    this.#attempted = ref.parts.join('.').toLowerCase();
    if (isSystemAudit(ref)) return this.#auditTable();
    const volume = await this.#volume(ref);
    if (volume !== undefined) return volume;
    const described = await this.#fromCatalog(ref, () => this.deps.tables.describe(ref));
    const policy = await this.#policy(described.name, described.schema);
    return { ...described, ...governed(policy) };
  }

  async resolve(ref: TableReference): Promise<ResolvedTable> {
    this.#attempted = ref.parts.join('.').toLowerCase();
    if (isSystemAudit(ref)) {
      const table = await this.#auditTable();
      this.#remember(table, NOTHING_APPLIED);
      return table;
    }
    const volume = await this.#volume(ref);
    if (volume !== undefined) {
      this.#remember(volume, NOTHING_APPLIED);
      return volume;
    }
    const resolved = await this.#fromCatalog(ref, () => this.deps.tables.resolve(ref));
    const policy = await this.#policy(resolved.name, resolved.schema);
    const table = { ...resolved, ...governed(policy) };
    this.#remember(table, policy.applied);
    return table;
  }

  /**
   * A table the caller may not see fails as a missing one, whatever else would go
   * wrong loading it (a snapshot id that is not there, an external table, a broken
   * metadata file): access is decided before the catalog is asked, so no error can
   * tell a hidden table from a missing one.
   */
  async #fromCatalog<T>(ref: TableReference, load: () => Promise<T>): Promise<T> {
    const path = tablePathOf(ref);
    if (path !== undefined) await this.check.require('SELECT', { kind: 'table', path });
    return load();
  }

  /**
   * A volume named in FROM reads its file table, with READ_VOLUME. A volume the caller
   * may not see is left to the table path below, which fails as for a missing table.
   */
  async #volume(ref: TableReference): Promise<ResolvedTable | undefined> {
    const { volumes } = this.deps;
    const path = volumes === undefined ? undefined : tablePathOf(ref);
    if (volumes === undefined || path === undefined || !(await volumes.exists(path))) {
      return undefined;
    }
    const securable = { kind: 'volume' as const, path };
    const [visible] = await this.deps.authorizer.visible(this.principal, [securable]);
    if (visible !== true) return undefined;
    await this.check.require('READ_VOLUME', securable);
    return volumes.fileTable(path);
  }

  async #auditTable(): Promise<ResolvedTable> {
    try {
      return await this.deps.auditTable.resolve(this.principal);
    } catch (err) {
      throw isRefusal(err) ? this.check.refuse(err) : err;
    }
  }

  async #policy(name: string, schema: Schema): Promise<ReadPolicy> {
    const path = name.split('.');
    const policy = await this.deps.authorizer.readPolicy(this.principal, path, columnsOf(schema));
    if (policy.allowed) return policy;
    // Not found when the caller may not see the table at all, else what is missing.
    await this.check.require('SELECT', { kind: 'table', path });
    throw this.check.refuse(
      new PermissionDenied('PERMISSION_DENIED', `Permission denied: ${policy.reason}.`, {
        hint: `ask an owner or an admin of ${name} for access`,
      }),
    );
  }

  #remember(table: ResolvedTable, applied: ReadPolicy['applied']): void {
    const snapshotId = table.snapshotId === null ? null : table.snapshotId.toString();
    this.#reads.set(`${table.name}@${snapshotId ?? ''}`, {
      name: table.name,
      snapshotId,
      columns: table.columns ?? table.schema.fields.map((f) => f.name),
      applied,
    });
  }
}

/** The table path a reference names, or undefined when it names none. */
function tablePathOf(ref: TableReference): string[] | undefined {
  try {
    const ident = identOfReference(ref.parts);
    return [...ident.namespace, ident.name];
  } catch {
    return undefined;
  }
}

/** A table's top-level columns as governance sees them. */
function columnsOf(schema: Schema): ColumnShape[] {
  return schema.fields.map((f) => ({ name: f.name, type: typeToString(f.type) }));
}

function governed(policy: ReadPolicy): Pick<ResolvedTable, 'columns' | 'masks' | 'rowFilter'> {
  return {
    ...(policy.columns === undefined ? {} : { columns: policy.columns }),
    ...(policy.masks === undefined ? {} : { masks: policy.masks }),
    ...(policy.rowFilter === undefined ? {} : { rowFilter: policy.rowFilter }),
  };
}

function isRefusal(err: unknown): boolean {
  return (
    err instanceof LakewardError &&
    (err.kind === ErrorKind.forbidden || err.kind === ErrorKind.notFound)
  );
}
