import type { CatalogService, TableIdent } from '../catalog/index.js';
import { AlreadyExists, InvalidInput, NotFound } from '../errors/index.js';
import type { IcebergTable, IcebergType, SchemaChange } from '../iceberg/index.js';
import { BRONZE_COLUMNS } from './bronze-columns.js';
import type { PlannedColumn } from './schema-plan.js';

export const REJECTS_SUFFIX = '__rejects';

const REJECT_COLUMNS: { name: string; type: IcebergType; doc: string }[] = [
  { name: '_source_file', type: 'string', doc: 'The file the row came from.' },
  { name: 'line', type: 'long', doc: 'Line number in that file (1 = first line).' },
  { name: 'raw_text', type: 'string', doc: 'The line as it was in the file.' },
  { name: 'reason', type: 'string', doc: 'Why it could not be loaded.' },
  { name: '_batch_id', type: 'string', doc: 'The ingest command that met it.' },
  { name: '_ingested_at', type: 'timestamptz', doc: 'When that command ran.' },
];

/** Batch ingest lands in bronze; the other layers are written by jobs from the layer below. */
export function checkBronze(ident: TableIdent): void {
  const layer = ident.namespace[0];
  if (layer === 'bronze') return;
  const name = [...ident.namespace, ident.name].join('.');
  throw new InvalidInput(
    'WRONG_LAYER',
    `batch ingest writes to bronze only, not to ${layer ?? 'a table outside the layers'} (${name}).`,
    {
      hint: `Ingest into bronze.${ident.namespace.slice(1).join('.') || '<source>'}.${ident.name}, then build ${layer ?? 'the layer'} tables from it with a job or a query.`,
    },
  );
}

export function rejectsIdent(ident: TableIdent): TableIdent {
  return { namespace: ident.namespace, name: `${ident.name}${REJECTS_SUFFIX}` };
}

/** The namespace and each parent level, created when missing. */
export async function ensureNamespace(
  catalog: CatalogService,
  path: readonly string[],
  owner?: string,
): Promise<void> {
  for (let depth = 1; depth <= path.length; depth++) {
    const level = path.slice(0, depth);
    try {
      await catalog.describeNamespace(level);
    } catch (err) {
      if (!(err instanceof NotFound)) throw err;
      await catalog
        .createNamespace(level, owner === undefined ? {} : { owner })
        .catch((e: unknown) => {
          if (!(e instanceof AlreadyExists)) throw e;
        });
    }
  }
}

/** A table that exists, or undefined. */
export async function openTable(
  catalog: CatalogService,
  ident: TableIdent,
): Promise<IcebergTable | undefined> {
  if (!(await catalog.tableExists(ident))) return undefined;
  return catalog.loadTable(ident);
}

export async function createBronzeTable(
  catalog: CatalogService,
  ident: TableIdent,
  columns: PlannedColumn[],
  properties: Record<string, string>,
  owner?: string,
): Promise<IcebergTable> {
  await ensureNamespace(catalog, ident.namespace, owner);
  await catalog.createTable(ident, {
    columns: [...columns, ...BRONZE_COLUMNS].map((c) => ({ name: c.name, type: c.type })),
    properties,
    ...(owner === undefined ? {} : { owner }),
  });
  return catalog.loadTable(ident);
}

/** Adds and widens columns before the write; a no-op when nothing changes. */
export async function evolveBronzeTable(
  catalog: CatalogService,
  ident: TableIdent,
  changes: SchemaChange[],
): Promise<IcebergTable> {
  if (changes.length > 0) await catalog.evolveSchema(ident, changes);
  return catalog.loadTable(ident);
}

/** Sets the catalog properties ingest owns when they differ from what the table has. */
export async function syncProperties(
  catalog: CatalogService,
  ident: TableIdent,
  wanted: Record<string, string>,
): Promise<void> {
  const current = (await catalog.describeTable(ident)).properties;
  const changed = Object.entries(wanted).filter(([key, value]) => current[key] !== value);
  if (changed.length === 0) return;
  await catalog.updateTable(ident, { setProperties: Object.fromEntries(changed) });
}

export async function openRejectsTable(
  catalog: CatalogService,
  ident: TableIdent,
  sourceSystem: string,
  owner?: string,
): Promise<IcebergTable> {
  const rejects = rejectsIdent(ident);
  const existing = await openTable(catalog, rejects);
  if (existing !== undefined) return existing;
  await catalog.createTable(rejects, {
    columns: REJECT_COLUMNS,
    description: `Rows of ${[...ident.namespace, ident.name].join('.')} that could not be parsed.`,
    properties: { source_system: sourceSystem, ingest_type: 'batch-rejects' },
    ...(owner === undefined ? {} : { owner }),
  });
  return catalog.loadTable(rejects);
}
