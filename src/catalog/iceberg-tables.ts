import type { Metastore } from '../metastore/index.js';
import type { TableIdent } from './contract.js';

/**
 * Every committed Iceberg table, in every namespace, whose catalog properties `wanted`
 * accepts: what background maintenance (compaction, snapshot expiry) looks at.
 */
export async function icebergTablesWhere(
  metastore: Pick<Metastore, 'namespaces' | 'tables'>,
  wanted: (properties: Record<string, string>) => boolean,
): Promise<TableIdent[]> {
  const found: TableIdent[] = [];
  const visit = async (path: string[]): Promise<void> => {
    if (path.length > 0) {
      for (const record of await metastore.tables.list(path)) {
        if (
          record.kind === 'iceberg' &&
          record.metadataLocation !== null &&
          wanted(record.properties)
        ) {
          found.push({ namespace: [...record.namespace], name: record.name });
        }
      }
    }
    for (const child of await metastore.namespaces.listChildren(path)) await visit([...child.path]);
  };
  await visit([]);
  return found;
}
