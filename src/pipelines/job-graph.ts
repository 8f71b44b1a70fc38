/** Jobs as a DAG: each job names the jobs it runs after. */
export type JobGraph = ReadonlyMap<string, readonly string[]>;

/**
 * A cycle of jobs, as the path that closes it (`a → b → a`), or undefined when the
 * graph is a DAG. Upstream names missing from the graph are ignored here (they are
 * reported as unknown jobs elsewhere).
 */
export function findCycle(graph: JobGraph): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const seen = state.get(name);
    if (seen === 'done') return undefined;
    if (seen === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const upstream of graph.get(name) ?? []) {
      if (!graph.has(upstream)) continue;
      const cycle = visit(upstream);
      if (cycle !== undefined) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of [...graph.keys()].sort()) {
    const cycle = visit(name);
    // Shown in run order: upstream first.
    if (cycle !== undefined) return cycle.reverse();
  }
  return undefined;
}

/** The jobs that name `name` in their `after`, by name. */
export function downstreamOf(graph: JobGraph, name: string): string[] {
  return [...graph.entries()]
    .filter(([, after]) => after.includes(name))
    .map(([job]) => job)
    .sort();
}
