export type * from './ports.js';
// --- query path (sessions, analysis, governed compile, results) ---
// --- write path (types mapping, Parquet writing, partitioning, table writes) ---
