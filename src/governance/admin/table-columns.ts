import { NotFound } from '../../errors/index.js';
import type { ColumnShape } from '../contract.js';
import { dottedName } from '../policy/securable.js';

/**
 * The table's column for a name as the user typed it. SQL names are
 * case-insensitive, so the match is too; the table's spelling is what is stored.
 */
export function columnNamed(
  table: string[],
  columns: readonly ColumnShape[],
  name: string,
): ColumnShape {
  const wanted = name.toLowerCase();
  const found =
    columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === wanted);
  if (found !== undefined) return found;
  const listed = columns.map((c) => c.name).join(', ');
  throw new NotFound(
    'COLUMN_NOT_FOUND',
    `The table ${dottedName(table)} has no column "${name}".`,
    {
      hint: `Its columns: ${listed}.`,
      details: { column: name, columns: columns.map((c) => c.name) },
    },
  );
}
