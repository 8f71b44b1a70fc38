import { InvalidInput, LakewardError, asLakewardError } from '../errors/index.js';
import { positionOfQuotedName } from './sql-position.js';

const duckDbMessage = /^[A-Z][A-Za-z ]* Error: /;

/**
 * DuckDB's message for a failed query, in the user's terms: generated view names
 * become the tables as written, and the excerpt of the rewritten SQL DuckDB
 * appends (whose positions are not the user's) is dropped.
 */
export function queryFailure(
  sql: string,
  err: unknown,
  viewNames: ReadonlyMap<string, string>,
  memoryLimit: string,
): LakewardError {
  // Only DuckDB's own errors ("Binder Error: …") are the user's to fix; anything
  // else (a resolver bug, a failed rename) is internal and its text stays in the log.
  if (!(err instanceof Error) || err instanceof LakewardError || !duckDbMessage.test(err.message)) {
    return asLakewardError(err);
  }
  // DuckDB's own advice (SET threads=…, SET memory_limit=…) cannot be followed in a
  // locked sandbox, so it is replaced by ours.
  const message = err.message
    .replace(/\n+(LINE \d+:|Possible solutions:)[\s\S]*$/, '')
    .replace(/\blw_t\d+_[0-9a-f]{8}\b/g, (view) => viewNames.get(view) ?? view)
    .trim();
  if (/Out of Memory/i.test(message)) {
    return new InvalidInput(
      'SQL_ERROR',
      `The query needed more memory than its limit of ${memoryLimit}: ${message}`,
      {
        hint: 'Make the query read less (filters, fewer columns, LIMIT) or raise query.memoryLimit in lakeward.yaml.',
        details: { memoryLimit },
      },
    );
  }
  const at = positionOfQuotedName(sql, message);
  return new InvalidInput(
    'SQL_ERROR',
    at ? `${message} (line ${at.line}, column ${at.column})` : message,
    {
      hint: 'Check the table and column names, and the types the query compares or casts.',
      ...(at && { details: { ...at } }),
    },
  );
}
