import type { TableIdent } from '../catalog/index.js';
import type { JobDefinition } from './contract.js';

/**
 * What a new target starts with: its layer, and in silver the business domain its
 * namespace names (`silver.<domain>.<table>`, as the brief lays silver out). Users may
 * change these later; runs do not set them again.
 */
export function createdProperties(target: TableIdent, job: JobDefinition): Record<string, string> {
  const [layer, domain] = target.namespace;
  return {
    layer: layer ?? '',
    ...(layer === 'silver' && domain !== undefined ? { business_domain: domain } : {}),
    ...(job.description === null ? {} : { transformation: job.description }),
  };
}

/** Set after each successful run: which job (and version) made the table, from what, and when. */
export function runProperties(
  job: JobDefinition,
  runId: string,
  sources: { table: string }[],
  at: Date,
): Record<string, string> {
  const upstream = [...new Set(sources.map((s) => s.table))].sort();
  return {
    transformed_by: `${job.name}@${job.version}`,
    last_run_id: runId,
    last_run_at: at.toISOString(),
    upstream_tables: upstream.join(','),
  };
}
