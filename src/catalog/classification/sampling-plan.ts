import type { Caller } from '../../governance/index.js';
import type { AccessGate } from '../access-gate.js';
import { columnShapes, tableSecurable } from '../catalog-securables.js';
import type { CatalogService, TableIdent } from '../contract.js';

/**
 * Types whose values can be what detectors look for: text, and whole numbers wide
 * enough for a card number (CSV loads infer unformatted card numbers as long).
 */
function sampleable(type: string): boolean {
  const decimal = /^decimal\((\d+),\s*0\)$/.exec(type);
  return type === 'string' || type === 'long' || (decimal !== null && Number(decimal[1]) >= 13);
}

export interface SamplingPlan {
  /** Text (and long) columns the caller reads unmasked. */
  sampled: string[];
  /** Columns the caller sees that are not sampled, and why. */
  skipped: { column: string; reason: string }[];
}

/**
 * Which columns to sample as the caller: what a caller cannot see cannot be
 * classified, so hidden columns are left out unmentioned and masked ones skipped (a
 * masked value such as xxx@xxxxx.xxx could still look like what it hides).
 */
export async function samplingPlan(
  deps: { catalog: Pick<CatalogService, 'describeTable'>; gate: Pick<AccessGate, 'authorizer'> },
  caller: Caller,
  ident: TableIdent,
): Promise<SamplingPlan> {
  const table = await deps.catalog.describeTable(ident);
  const policy = await deps.gate.authorizer.readPolicy(
    caller.principal,
    tableSecurable(ident).path,
    columnShapes(table),
  );
  const visible = new Set(policy.columns ?? table.columns.map((c) => c.name));
  const plan: SamplingPlan = { sampled: [], skipped: [] };
  for (const { name, type } of table.columns) {
    if (!visible.has(name)) continue;
    // Labels are "<column>: <mask>"; a false match only skips a column, never reveals one.
    if (policy.applied.masks.some((label) => label.startsWith(`${name}: `))) {
      plan.skipped.push({ column: name, reason: 'masked for you' });
    } else if (!sampleable(type)) {
      plan.skipped.push({ column: name, reason: `not text (${type})` });
    } else {
      plan.sampled.push(name);
    }
  }
  return plan;
}
