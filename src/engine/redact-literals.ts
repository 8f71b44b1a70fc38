import { deserializeSql, replaceNodes, serializeSql } from './sql-parser.js';
import type { SqlNode } from './sql-parser.js';
import { sqlTokens } from './sql-tokens.js';
import type { SqlToken } from './sql-tokens.js';

/** A parameter name no query uses; DuckDB prints it as `$lw_redacted`, then it becomes `?`. */
const marker = 'lw_redacted';

/**
 * A statement for the audit log, every literal (strings, numbers, dates, blobs …)
 * replaced by `?`. What DuckDB can parse is printed back from its tree; anything
 * else (other statements, syntax errors, oversized text) is redacted lexically.
 * Never throws: an audit record must be written whatever the text.
 */
export async function redactLiterals(sql: string): Promise<string> {
  try {
    const tree = await serializeSql(sql);
    if (tree.error !== true) {
      replaceNodes(tree, (node) => (node.class === 'CONSTANT' ? parameterFor(node) : undefined));
      const printed = await deserializeSql(tree);
      // Values the tree keeps outside constants (PIVOT … IN lists, sample sizes) are
      // redacted lexically; numbers in type names (DECIMAL(10,2)) go with them.
      return redact(printed, (token) => isLiteral(token) || token.text === `$${marker}`);
    }
  } catch {
    // Over the size or nesting limits, or refused by DuckDB: the lexical redaction below.
  }
  return redact(sql, isLiteral);
}

/** A parameter named `marker` in place of a constant, keeping its alias. */
function parameterFor(constant: SqlNode): SqlNode {
  return {
    class: 'PARAMETER',
    type: 'VALUE_PARAMETER',
    alias: constant.alias,
    query_location: constant.query_location,
    identifier: marker,
  };
}

function isLiteral({ kind }: SqlToken): boolean {
  return kind === 'string' || kind === 'number';
}

function redact(sql: string, isLiteral: (token: SqlToken) => boolean): string {
  return sqlTokens(sql)
    .map((token) => (isLiteral(token) ? '?' : token.text))
    .join('');
}
