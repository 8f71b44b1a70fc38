// Public surface of the Iceberg table format. Sections are kept by the parts that own them.
export type * from './types.js';
export { DataFileContent, ManifestEntryStatus } from './types.js';
export type { Expression } from './expression.js';
export type * from './table-contract.js';
// --- schema, types, transforms, values, stats, scan evaluation (iceberg primitives) ---
// --- metadata, manifests, snapshots, table operations, commit (iceberg table) ---
