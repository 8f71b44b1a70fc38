import { quoteLiteral } from '../engine/index.js';
import { InvalidInput } from '../errors/index.js';
import type { IcebergType, Schema, SchemaChange } from '../iceberg/index.js';

/** Facts every bronze row carries about how it arrived. */
export interface BatchFacts {
  batchId: string;
  ingestedAt: Date;
  sourceSystem: string;
}

export const BRONZE_COLUMNS: readonly { name: string; type: IcebergType }[] = [
  { name: '_ingested_at', type: 'timestamptz' },
  { name: '_source_file', type: 'string' },
  { name: '_source_system', type: 'string' },
  { name: '_batch_id', type: 'string' },
];

/** SQL values of the bronze columns; `sourceFileSql` is the expression naming each row's file. */
export function bronzeValuesSql(facts: BatchFacts, sourceFileSql: string): Record<string, string> {
  return {
    _ingested_at: `CAST(${quoteLiteral(facts.ingestedAt.toISOString())} AS TIMESTAMP WITH TIME ZONE)`,
    _source_file: sourceFileSql,
    _source_system: quoteLiteral(facts.sourceSystem),
    _batch_id: quoteLiteral(facts.batchId),
  };
}

/** A file column named like a bronze column would be silently replaced; say so instead. */
export function checkNoBronzeNames(file: string, columns: { name: string }[]): void {
  const clash = columns.find((c) => BRONZE_COLUMNS.some((b) => b.name === c.name.toLowerCase()));
  if (clash !== undefined) {
    throw new InvalidInput(
      'RESERVED_COLUMN',
      `Column "${clash.name}" in ${file} has a name bronze tables reserve for ingest facts.`,
      {
        hint: `Rename the column in the file; ${BRONZE_COLUMNS.map((b) => b.name).join(', ')} are filled by Lakeward.`,
      },
    );
  }
}

/** A table created outside ingest gets the bronze columns on its first batch load. */
export function missingBronzeColumns(schema: Schema): SchemaChange[] {
  return BRONZE_COLUMNS.filter((b) => !schema.fields.some((f) => f.name === b.name)).map((b) => ({
    kind: 'add',
    name: b.name,
    type: b.type,
  }));
}
