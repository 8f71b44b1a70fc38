import { renamedTablePath } from '../catalog/index.js';
import type { PathRename } from '../catalog/index.js';

/**
 * Nodes of the lineage graph are kept as text ids: a catalog table by its dotted name, a
 * dataset of another system by its OpenLineage namespace and name, a job likewise.
 */
export type NodeKind = 'table' | 'dataset' | 'job' | 'model' | 'hidden';

export function tableNodeId(table: string): string {
  return `table:${table}`;
}

export function datasetNodeId(namespace: string, name: string): string {
  return `dataset:${namespace}/${name}`;
}

export function jobNodeId(namespace: string, job: string): string {
  return `job:${namespace}/${job}`;
}

export function modelNodeId(table: string, modelId: string): string {
  return `model:${table}/${modelId}`;
}

/** The dotted table name of a `table:` id, undefined for any other node. */
export function tableOfNode(id: string): string | undefined {
  return id.startsWith('table:') ? id.slice('table:'.length) : undefined;
}

export function kindOfNode(id: string): NodeKind {
  return id.slice(0, id.indexOf(':')) as NodeKind;
}

/** What follows the kind: a table's dotted name, a dataset's `namespace/name`. */
export function nameOfNode(id: string): string {
  return id.slice(id.indexOf(':') + 1);
}

/** The id of a table node after a table or namespace rename; undefined when it stays. */
export function renamedNode(rename: PathRename, id: string): string | undefined {
  const table = tableOfNode(id);
  // Namespace levels and names hold no dots, so the dotted name splits back into the path.
  const moved = table === undefined ? undefined : renamedTablePath(rename, table.split('.'));
  return moved === undefined ? undefined : tableNodeId(moved.join('.'));
}
