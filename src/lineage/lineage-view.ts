import type { Authorizer, Principal } from '../governance/index.js';
import { parseTableName, tableSecurable } from '../catalog/index.js';
import type { CurrentLineageEdge, LineageModelRecord } from '../metastore/index.js';
import {
  jobNodeId,
  kindOfNode,
  modelNodeId,
  nameOfNode,
  tableNodeId,
  tableOfNode,
} from './dataset-ids.js';
import type { NodeKind } from './dataset-ids.js';
import type { VisibleColumns } from './column-visibility.js';
import type { Walk } from './lineage-graph.js';

export interface LineageNode {
  id: string;
  kind: NodeKind;
  /** null for a hidden table: its name is not shown. */
  name: string | null;
  /** Hops from the table asked about (datasets only). */
  depth?: number;
  /** Columns reached, when the walk followed a column. */
  columns?: string[];
  version?: number | null;
  /** Models: the table they read, who owns them. */
  table?: string;
  owner?: string;
  description?: string | null;
  url?: string | null;
}

export interface LineageEdge {
  from: string;
  to: string;
  fromColumn?: string;
  toColumn?: string;
  transformation?: string;
  /** The job whose latest complete run made a column edge. */
  job?: string;
}

export interface LineageGraph {
  nodes: LineageNode[];
  edges: LineageEdge[];
}

/**
 * The walk as the caller may see it: tables the caller may not DESCRIBE become
 * `hidden:N` nodes without name or columns (the shape of the graph stays, so a visible
 * table two hops away is still seen as downstream), and their models are left out. A job
 * that writes a hidden table is shown without its name (`hidden-job:N`): job names tend
 * to name their targets.
 */
export async function presentWalk(
  viewer: { authorizer: Authorizer; principal: Principal; visibleColumns: VisibleColumns },
  walked: Walk,
  models: LineageModelRecord[],
): Promise<LineageGraph> {
  const tables = new Set<string>();
  for (const id of walked.reached.keys()) if (tableOfNode(id) !== undefined) tables.add(id);
  const names = [...tables];
  const seen = await viewer.authorizer.visible(
    viewer.principal,
    names.map((id) => tableSecurable(parseTableName(nameOfNode(id)))),
  );
  const shownId = new Map<string, string>();
  let hidden = 0;
  names.forEach((id, i) => shownId.set(id, seen[i] === true ? id : `hidden:${++hidden}`));
  const idOf = (id: string) => shownId.get(id) ?? id;
  const visible = (id: string) => !idOf(id).startsWith('hidden:');
  // Columns the caller may not read are left out, as describe leaves them out.
  const columnShown = new Map<string, Set<string> | undefined>();
  for (const id of tables) {
    if (visible(id)) columnShown.set(id, await viewer.visibleColumns(nameOfNode(id)));
  }
  const shows = (id: string, column: string | null): column is string => {
    if (column === null || !visible(id)) return false;
    const columns = columnShown.get(id);
    return columns === undefined || columns.has(column.toLowerCase());
  };

  const nodes = new Map<string, LineageNode>();
  for (const [id, depth] of walked.reached) {
    const shown = idOf(id);
    const columns = [...(walked.columns.get(id) ?? [])].filter(
      (c) => shows(id, c) || !tables.has(id),
    );
    nodes.set(shown, {
      id: shown,
      kind: kindOfNode(shown),
      name: visible(id) ? nameOfNode(id) : null,
      depth,
      ...(walked.columns.has(id) && visible(id) && { columns: columns.sort() }),
    });
  }
  const jobIds = new Map<string, string>();
  for (const edge of walked.edges) {
    const job = jobNodeId(edge.jobNamespace, edge.job);
    if (!visible(edge.target)) jobIds.set(job, '');
    else if (!jobIds.has(job)) jobIds.set(job, job);
  }
  let hiddenJobs = 0;
  for (const [job, shown] of jobIds)
    if (shown === '') jobIds.set(job, `hidden-job:${++hiddenJobs}`);
  const edges = new Map<string, LineageEdge>();
  const add = (edge: LineageEdge) => edges.set(JSON.stringify(edge), edge);
  for (const edge of walked.edges) {
    const job = jobNode(edge, jobIds);
    nodes.set(job.id, job);
    const [from, to] = [idOf(edge.source), idOf(edge.target)];
    if (edge.sourceColumn === null) {
      add({ from, to: job.id });
      add({ from: job.id, to });
      continue;
    }
    add({
      from,
      to,
      ...(shows(edge.source, edge.sourceColumn) && { fromColumn: edge.sourceColumn }),
      ...(shows(edge.target, edge.targetColumn) && { toColumn: edge.targetColumn }),
      ...(edge.transformation !== null && { transformation: edge.transformation }),
      job: job.id,
    });
  }
  for (const model of models) {
    const table = tableNodeId(model.tablePath.join('.'));
    if (!walked.reached.has(table) || !visible(table)) continue;
    const id = modelNodeId(nameOfNode(table), model.modelId);
    nodes.set(id, {
      id,
      kind: 'model',
      name: model.modelId,
      table: nameOfNode(table),
      owner: model.owner,
      description: model.description,
      url: model.url,
    });
    add({ from: table, to: id });
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

function jobNode(edge: CurrentLineageEdge, shownIds: Map<string, string>): LineageNode {
  const id = jobNodeId(edge.jobNamespace, edge.job);
  const shown = shownIds.get(id) ?? id;
  if (shown !== id) return { id: shown, kind: 'job', name: null };
  return { id, kind: 'job', name: `${edge.jobNamespace}/${edge.job}`, version: edge.jobVersion };
}
