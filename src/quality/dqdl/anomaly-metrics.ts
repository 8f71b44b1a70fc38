/** The metrics DetectAnomalies can follow, and the SQL that measures each. */
export const ANOMALY_METRICS: Record<string, (column: string) => string> = {
  RowCount: () => 'count(*)',
  Completeness: (c) => `CAST(count(${c}) AS DOUBLE) / nullif(count(*), 0)`,
  Mean: (c) => `avg(${c})`,
  Sum: (c) => `sum(${c})`,
  StandardDeviation: (c) => `stddev_samp(${c})`,
  DistinctValuesCount: (c) => `count(DISTINCT ${c})`,
  Entropy: (c) => `entropy(${c})`,
};
