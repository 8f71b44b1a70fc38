import { describe, expect, it } from 'vitest';
import { downstreamOf, findCycle } from '../../src/pipelines/job-graph.js';

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

describe('job graph', () => {
  it('finds no cycle in a DAG with shared upstreams', () => {
    expect(findCycle(graph({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'] }))).toBeUndefined();
  });

  it('names a cycle in run order', () => {
    expect(findCycle(graph({ a: ['c'], b: ['a'], c: ['b'], d: ['a'] }))).toEqual([
      'a',
      'b',
      'c',
      'a',
    ]);
  });

  it('finds a job that runs after itself', () => {
    expect(findCycle(graph({ a: ['a'] }))).toEqual(['a', 'a']);
  });

  it('ignores upstream names that are not jobs (reported elsewhere)', () => {
    expect(findCycle(graph({ a: ['missing'] }))).toBeUndefined();
  });

  it('lists the jobs that run after a job', () => {
    expect(downstreamOf(graph({ a: [], c: ['a'], b: ['a', 'c'] }), 'a')).toEqual(['b', 'c']);
    expect(downstreamOf(graph({ a: [] }), 'a')).toEqual([]);
  });
});
