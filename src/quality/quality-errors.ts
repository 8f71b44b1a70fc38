import { NotFound } from '../errors/index.js';

export function rulesetNotFound(table: string[], name: string): NotFound {
  return new NotFound(
    'QUALITY_RULESET_NOT_FOUND',
    `Table ${table.join('.')} has no quality ruleset named "${name}".`,
    { hint: `List its rulesets with \`lakeward quality rulesets list ${table.join('.')}\`.` },
  );
}
