import { formatTableName, parseTableName } from '../catalog/index.js';
import type { CatalogService, TableIdent } from '../catalog/index.js';
import { NotFound } from '../errors/index.js';
import { datasetNodeId, tableNodeId } from './dataset-ids.js';

/** Our table when the dataset is named in our namespace or by the table's location. */
export async function linkDataset(
  deps: {
    catalog: Pick<CatalogService, 'describeTable' | 'tableExists'>;
    /** Our OpenLineage namespace; `lakeward` always counts too. */
    namespace: string;
    keyOf(uri: string): string | undefined;
  },
  ds: { namespace: string; name: string },
): Promise<string> {
  if (ds.namespace === 'lakeward' || ds.namespace === deps.namespace) {
    const ident = parseTableName(ds.name);
    if (!(await deps.catalog.tableExists(ident))) throw tableNotFound(ds.name);
    return tableNodeId(formatTableName(ident));
  }
  const location = locationOf(ds);
  const key = deps.keyOf(location);
  const ident = key === undefined ? undefined : identOrUndefined(key.split('/'));
  if (ident !== undefined && (await deps.catalog.tableExists(ident))) {
    const table = await deps.catalog.describeTable(ident);
    if (table.location.replace(/\/+$/, '') === location) return tableNodeId(formatTableName(ident));
  }
  return datasetNodeId(ds.namespace, ds.name);
}

/**
 * The URI a dataset names by OpenLineage's naming rules: `file` + `/abs/path`,
 * `file://` + `/abs/path`, `s3://bucket` + `key`.
 */
function locationOf(ds: { namespace: string; name: string }): string {
  const scheme = ds.namespace.includes('://') ? ds.namespace : `${ds.namespace}://`;
  const joined = scheme.endsWith('://')
    ? `${scheme}${ds.name}`
    : `${scheme.replace(/\/+$/, '')}/${ds.name.replace(/^\/+/, '')}`;
  return joined.replace(/\/+$/, '');
}

function identOrUndefined(levels: string[]): TableIdent | undefined {
  try {
    return parseTableName(levels.join('.'));
  } catch {
    return undefined;
  }
}

function tableNotFound(name: string): NotFound {
  return new NotFound('TABLE_NOT_FOUND', `Table ${name} does not exist.`, {
    hint: 'A dataset in the lakeward namespace must name a table as layer.namespace.table.',
  });
}
