import { NotFound } from '../errors/index.js';
import type { ColumnShape, Securable, SecurableDirectory } from '../governance/index.js';
import type { CatalogService, TableDescription, TableIdent } from './contract.js';

/** The catalog as one securable: what top-level namespaces are created in. */
export const CATALOG: Securable = { kind: 'catalog', path: [] };

export function namespaceSecurable(path: readonly string[]): Securable {
  return { kind: 'namespace', path: [...path] };
}

export function tableSecurable(ident: TableIdent): Securable {
  return { kind: 'table', path: [...ident.namespace, ident.name] };
}

/** How the audit log names a securable: 'catalog', 'namespace:bronze.retail', 'table:bronze.retail.invoices'. */

export async function namespaceExists(
  catalog: Pick<CatalogService, 'describeNamespace'>,
  path: readonly string[],
): Promise<boolean> {
  return catalog.describeNamespace([...path]).then(
    () => true,
    (err: unknown) => {
      if (err instanceof NotFound) return false;
      throw err;
    },
  );
}

/** The levels of a namespace path that do not exist yet, outermost first. */
export async function missingNamespaces(
  catalog: Pick<CatalogService, 'describeNamespace'>,
  path: readonly string[],
): Promise<string[][]> {
  const missing: string[][] = [];
  for (let depth = path.length; depth >= 1; depth--) {
    const level = path.slice(0, depth);
    if (await namespaceExists(catalog, level)) break;
    missing.unshift(level);
  }
  return missing;
}

/** Where a namespace is created: its parent namespace, or the catalog for a layer. */
export function parentOf(path: readonly string[]): Securable {
  return path.length <= 1 ? CATALOG : namespaceSecurable(path.slice(0, -1));
}

export function identOfPath(path: readonly string[]): TableIdent {
  return { namespace: path.slice(0, -1), name: path[path.length - 1] ?? '' };
}

/** A table's top-level columns as governance sees them. */
export function columnShapes(table: Pick<TableDescription, 'columns'>): ColumnShape[] {
  return table.columns.map((c) => ({ name: c.name, type: c.type }));
}

/**
 * What governance may ask the catalog about securables (grants on missing objects are
 * refused; filters and masks are checked against a table's columns). Volumes are
 * found through `volumes` (none without it).
 */
export class CatalogSecurables implements SecurableDirectory {
  constructor(
    private readonly catalog: Pick<
      CatalogService,
      'describeNamespace' | 'tableExists' | 'describeTable'
    >,
    private readonly volumes?: { exists(path: string[]): Promise<boolean> },
  ) {}

  async exists(securable: Securable): Promise<boolean> {
    const { path } = securable;
    switch (securable.kind) {
      case 'catalog':
        return true;
      case 'namespace':
        return namespaceExists(this.catalog, path);
      case 'table':
        return path.length >= 2 && this.catalog.tableExists(identOfPath(path));
      case 'column': {
        if (path.length < 3) return false;
        const table = identOfPath(path.slice(0, -1));
        if (!(await this.catalog.tableExists(table))) return false;
        const columns = await this.columns(table.namespace.concat(table.name));
        return columns.some((c) => c.name === path[path.length - 1]);
      }
      case 'volume':
        return path.length >= 3 && this.volumes !== undefined && this.volumes.exists(path);
    }
  }

  async columns(table: string[]): Promise<ColumnShape[]> {
    return columnShapes(await this.catalog.describeTable(identOfPath(table)));
  }
}
