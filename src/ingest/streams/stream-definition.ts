import type { StreamRow } from '../../metastore/index.js';
import type { StreamDefinition } from './contract.js';

/** The definition as stored (written by streamDefinition, so its shape is known). */
export function definitionOf(row: StreamRow): StreamDefinition {
  return row.definition as unknown as StreamDefinition;
}
