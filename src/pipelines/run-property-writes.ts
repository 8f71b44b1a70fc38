import { AsyncLocalStorage } from 'node:async_hooks';
import { formatTableName, tableSecurable } from '../catalog/index.js';
import type {
  CatalogMetadata,
  CatalogService,
  TableDescription,
  TableIdent,
} from '../catalog/index.js';

type TablePatch = Parameters<CatalogService['updateTable']>[1];

interface Gathering {
  table: string;
  set: Record<string, string>;
}

/**
 * The property writes a job run makes on its target, made as one: the run's facts
 * (transformed_by, last_run_id, upstream_tables …) and what the quality service sets
 * while the run keeps its result (quality_score, null_rate.<column> …). They are
 * gathered while the run finishes, then written in one table update that goes into
 * the table's metadata history like any other property change, by the run's principal.
 * The quality service is given this object as its catalog: outside a run, or for
 * another table, its writes go straight through, as they would without it.
 */
export class RunPropertyWrites implements Pick<CatalogService, 'updateTable' | 'describeTable'> {
  readonly #gathering = new AsyncLocalStorage<Gathering>();

  constructor(
    private readonly deps: {
      catalog: Pick<CatalogService, 'updateTable' | 'describeTable'>;
      metadata: Pick<CatalogMetadata, 'recordedUpdate'>;
    },
  ) {}

  describeTable(ident: TableIdent): Promise<TableDescription> {
    return this.deps.catalog.describeTable(ident);
  }

  async updateTable(ident: TableIdent, patch: TablePatch): Promise<TableDescription> {
    const open = this.#gathering.getStore();
    const onlySets = patch.description === undefined && (patch.removeProperties ?? []).length === 0;
    if (open === undefined || open.table !== formatTableName(ident) || !onlySets) {
      return this.deps.catalog.updateTable(ident, patch);
    }
    Object.assign(open.set, patch.setProperties);
    // What the table will hold once the run writes what it gathered.
    const now = await this.deps.catalog.describeTable(ident);
    return { ...now, properties: { ...now.properties, ...open.set } };
  }

  /**
   * Runs `work` (which may set more properties of `target` through this object), then
   * writes `set` and what the work set in one recorded update, by `by`.
   */
  async gathered(
    target: TableIdent,
    by: string,
    set: Record<string, string>,
    work: () => Promise<void>,
  ): Promise<void> {
    const gathering: Gathering = { table: formatTableName(target), set: {} };
    await this.#gathering.run(gathering, work);
    await this.#recorded(target, { setProperties: { ...gathering.set, ...set } }, by);
  }

  #recorded(ident: TableIdent, patch: TablePatch, by: string): Promise<TableDescription> {
    const target = { kind: 'table' as const, path: tableSecurable(ident).path };
    return this.deps.metadata.recordedUpdate(target, patch, by, () =>
      this.deps.catalog.updateTable(ident, patch),
    );
  }
}
