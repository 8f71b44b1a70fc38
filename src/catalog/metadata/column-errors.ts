import { InvalidInput, NotFound } from '../../errors/index.js';
import type { MetadataTarget } from './metadata-target.js';
import { targetName } from './metadata-target.js';

export function columnNotFound(
  table: MetadataTarget,
  unknown: readonly string[],
  columns: readonly string[],
): NotFound {
  return new NotFound(
    'COLUMN_NOT_FOUND',
    `${targetName(table)} has no column ${unknown.join(', ')}.`,
    {
      hint: `Describe one of its columns: ${columns.join(', ')}.`,
      details: { columns: [...unknown] },
    },
  );
}

export function emptyColumnChange(table: MetadataTarget): InvalidInput {
  return new InvalidInput(
    'NO_COLUMN_DESCRIPTIONS',
    `No column description was given for ${targetName(table)}.`,
    { hint: 'Give at least one column and its description, e.g. {"amount": "Net, in EUR"}.' },
  );
}
