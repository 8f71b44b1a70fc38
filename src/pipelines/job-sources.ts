import { formatTableName, identOfReference } from '../catalog/index.js';
import type { TableIdent } from '../catalog/index.js';
import type { ResolvedTable, TableReference, TableResolver } from '../engine/index.js';

/** A source narrowed to the data files it gained since the job's last run. */
export interface NarrowedSource {
  /** The snapshot the source is read at. */
  snapshotId: bigint | null;
  /** URIs of the data files to read (the others of the snapshot are left out). */
  files: Set<string>;
}

/**
 * The catalog's tables as a job's SELECT reads them: each table at one snapshot (the
 * first time a query names it fixes which, so a self-join or a table named in two CTEs
 * reads the same rows), and for an incremental run, only the files a source gained.
 * It sits under the governed resolver, so grants, row filters and masks still apply.
 */
export class JobSources implements Required<TableResolver> {
  readonly #pins = new Map<string, bigint | null>();
  readonly #reads = new Map<string, { table: string; snapshotId: string | null }>();

  constructor(
    private readonly tables: Required<TableResolver>,
    /** The current snapshot of a table; null when it has none (empty, or an external table). */
    private readonly current: (ident: TableIdent) => Promise<bigint | null>,
    private readonly narrowed: ReadonlyMap<string, NarrowedSource> = new Map(),
  ) {}

  /** Tables the query read, each with the snapshot it was read at, by name. */
  get reads(): { table: string; snapshotId: string | null }[] {
    return [...this.#reads.values()].sort((a, b) => a.table.localeCompare(b.table));
  }

  /** The snapshot each table was pinned at (tables named without AT (VERSION => …)). */
  get pinned(): { table: string; snapshotId: string | null }[] {
    return [...this.#pins]
      .map(([table, id]) => ({ table, snapshotId: id === null ? null : id.toString() }))
      .sort((a, b) => a.table.localeCompare(b.table));
  }

  async describe(
    ref: TableReference,
  ): Promise<Pick<ResolvedTable, 'name' | 'schema' | 'columns' | 'masks'>> {
    return this.tables.describe(await this.#pinned(ref));
  }

  async resolve(ref: TableReference): Promise<ResolvedTable> {
    const pinned = await this.#pinned(ref);
    // A table the SQL reads at a snapshot it names itself is read whole (a lookup table).
    const only =
      ref.at === undefined
        ? this.narrowed.get(formatTableName(identOfReference(ref.parts)))
        : undefined;
    const table = await this.tables.resolve(
      only === undefined ? pinned : { ...pinned, onlyFiles: only.files },
    );
    const snapshotId = table.snapshotId === null ? null : table.snapshotId.toString();
    this.#reads.set(`${table.name}@${snapshotId}`, { table: table.name, snapshotId });
    return table;
  }

  async #pinned(ref: TableReference): Promise<TableReference> {
    if (ref.at !== undefined) return ref;
    const ident = identOfReference(ref.parts);
    const name = formatTableName(ident);
    let snapshotId = this.#pins.get(name);
    if (snapshotId === undefined) {
      snapshotId = this.narrowed.has(name)
        ? (this.narrowed.get(name)?.snapshotId ?? null)
        : await this.current(ident);
      this.#pins.set(name, snapshotId);
    }
    return snapshotId === null ? ref : { ...ref, at: { kind: 'snapshot', snapshotId } };
  }
}
