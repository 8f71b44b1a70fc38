import { InternalError } from '../errors/index.js';
import { callerCallOf, checkExpression } from './expression-policy.js';
import { parseWhere, predicateRules, wholeStatementCheck, whereOf } from './predicate.js';
import { replaceNodes } from './sql-parser.js';
import type { SqlNode } from './sql-parser.js';

/** Who runs a query, as far as a data filter may ask. */
export interface Caller {
  user: string;
  groups: readonly string[];
}

/**
 * A data filter's predicate for one caller: `current_user()` becomes the user's
 * name and `is_member('g')` TRUE or FALSE (group names compare case-sensitively).
 * The values go into DuckDB's tree as constants and DuckDB prints them quoted, so
 * a name with quotes stays a string; the printed text is parsed again to be sure.
 */
export async function bindCallerFunctions(predicateSql: string, caller: Caller): Promise<string> {
  const tree = await parseWhere(predicateSql);
  const rules = predicateRules(undefined, { callerFunctions: true });
  checkExpression(whereOf(tree), rules);
  replaceNodes(tree, (node) => {
    const call = callerCallOf(node, rules);
    if (call === undefined) return undefined;
    return call.name === 'current_user'
      ? text(node, caller.user)
      : boolean(node, caller.groups.includes(call.group));
  });
  const printed = await wholeStatementCheck(tree);
  if ((await wholeStatementCheck(await parseWhere(printed))) !== printed) {
    throw new InternalError('A bound data filter does not read back as it was printed.');
  }
  return printed;
}

function text(call: SqlNode, value: string): SqlNode {
  return {
    class: 'CONSTANT',
    type: 'VALUE_CONSTANT',
    alias: call.alias,
    query_location: call.query_location,
    value: { type: { id: 'VARCHAR', type_info: null }, is_null: false, value },
  };
}

/** TRUE as DuckDB's parser has it (CAST('t' AS BOOLEAN)), so the printed text parses to the same tree. */
function boolean(call: SqlNode, value: boolean): SqlNode {
  return {
    class: 'CAST',
    type: 'OPERATOR_CAST',
    alias: call.alias,
    query_location: call.query_location,
    child: text({ alias: '', query_location: call.query_location }, value ? 't' : 'f'),
    cast_type: { id: 'BOOLEAN', type_info: null },
    try_cast: false,
  };
}
