import type { TableProfile } from './profiler.js';

/** Columns with at most this many distinct values get `ColumnValues … in [ … ]`. */
export const LOW_CARDINALITY = 10;

const dq = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function literal(value: unknown): string {
  return typeof value === 'number' ? String(value) : dq(String(value));
}

/**
 * A starter ruleset from a profile, as Glue's recommendations: the row count within
 * half to one and a half times today's, IsComplete for columns without NULLs (else a
 * Completeness floor), IsUnique for unique columns, the value list of low-cardinality
 * columns, and the length range of text columns. Every rule passes on the profiled data.
 */
export function recommendRuleset(profile: TableProfile): string {
  const rules: string[] = [];
  const n = profile.rowCount;
  rules.push(`RowCount between ${Math.floor(n * 0.5)} and ${Math.ceil(n * 1.5)}`);
  for (const c of profile.columns) {
    const name = dq(c.name);
    if (n > 0 && c.nulls === 0) rules.push(`IsComplete ${name}`);
    else if (n > 0 && c.nullRate < 1) {
      const floor = Math.floor((1 - c.nullRate) * 100) / 100;
      rules.push(`Completeness ${name} >= ${floor}`);
    }
    const present = n - c.nulls;
    if (c.distinctExact !== null && present > 1 && c.distinctExact === present) {
      rules.push(`IsUnique ${name}`);
    }
    const listed = c.topValues.reduce((s, t) => s + t.count, 0);
    if (
      present > 0 &&
      c.topValues.length <= LOW_CARDINALITY &&
      listed === present &&
      c.distinctApprox <= LOW_CARDINALITY
    ) {
      const values = c.topValues.map((t) => literal(t.value));
      if (c.nulls > 0) values.push('NULL');
      rules.push(`ColumnValues ${name} in [${values.join(', ')}]`);
    }
    if (c.minLength !== null && c.maxLength !== null) {
      rules.push(`ColumnLength ${name} between ${c.minLength} and ${c.maxLength}`);
    }
  }
  return `# Recommended for ${profile.table} from ${n} rows on ${profile.profiledAt}\nRules = [\n${rules.map((r) => `    ${r}`).join(',\n')}\n]\n`;
}
