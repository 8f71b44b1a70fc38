import type { CurrentLineageEdge } from '../metastore/index.js';

export const DIRECTIONS = ['upstream', 'downstream', 'both'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export interface Walk {
  /** Datasets reached (the start at depth 0) and the fewest hops to each. */
  reached: Map<string, number>;
  /** Columns reached per dataset, when walking a column. */
  columns: Map<string, Set<string>>;
  /** The edges walked. */
  edges: CurrentLineageEdge[];
}

/**
 * Walks the current edges from a dataset (or one of its columns) up, down or both ways,
 * at most `depth` hops (datasets away). Table edges when no column is given, column
 * edges otherwise; cycles end where a node was already reached.
 */
export function walk(
  edges: readonly CurrentLineageEdge[],
  start: string,
  options: { direction: Direction; depth: number; column?: string | undefined },
): Walk {
  const column = options.column?.toLowerCase();
  const usable = edges.filter((e) => (column === undefined) === (e.sourceColumn === null));
  const out: Walk = { reached: new Map([[start, 0]]), columns: new Map(), edges: [] };
  const seenEdges = new Set<CurrentLineageEdge>();
  const directions: ('upstream' | 'downstream')[] =
    options.direction === 'both' ? ['upstream', 'downstream'] : [options.direction];
  for (const direction of directions) {
    const up = direction === 'upstream';
    const from = new Map<string, CurrentLineageEdge[]>();
    for (const edge of usable) {
      const node = up ? edge.target : edge.source;
      const list = from.get(node);
      if (list === undefined) from.set(node, [edge]);
      else list.push(edge);
    }
    const visited = new Set<string>();
    let frontier = [{ node: start, column }];
    for (let hop = 1; hop <= options.depth && frontier.length > 0; hop++) {
      const next: typeof frontier = [];
      for (const at of frontier) {
        const key = `${at.node}\u0000${at.column ?? ''}`;
        if (visited.has(key)) continue;
        visited.add(key);
        for (const edge of from.get(at.node) ?? []) {
          const fromColumn = up ? edge.targetColumn : edge.sourceColumn;
          if (at.column !== undefined && fromColumn?.toLowerCase() !== at.column) continue;
          const to = up ? edge.source : edge.target;
          const toColumn = (up ? edge.sourceColumn : edge.targetColumn) ?? undefined;
          if (!seenEdges.has(edge)) {
            seenEdges.add(edge);
            out.edges.push(edge);
          }
          if (!out.reached.has(to)) out.reached.set(to, hop);
          if (toColumn !== undefined) {
            const columns = out.columns.get(to) ?? new Set<string>();
            columns.add(toColumn);
            out.columns.set(to, columns);
          }
          next.push({ node: to, column: toColumn?.toLowerCase() });
        }
      }
      frontier = next;
    }
  }
  if (column !== undefined) out.columns.set(start, new Set([options.column ?? column]));
  return out;
}
