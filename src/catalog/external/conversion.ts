import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { appendQuery, openSession, tableScanSql } from '../../engine/index.js';
import type { ResolvedTable } from '../../engine/index.js';
import { InternalError, InvalidInput, LakewardError } from '../../errors/index.js';
import type { IcebergTable } from '../../iceberg/index.js';
import type { CreateTableInput } from '../contract.js';
import type { RowChangeOptions } from '../row-changes.js';
import type { OpenedExternalTable } from './external-tables.js';

/** Facts a converted table carries about where its rows came from. */
export function conversionInput(
  source: OpenedExternalTable,
  sourceName: string,
  owner: string | undefined,
): CreateTableInput {
  const { record, spec, schema } = source;
  const properties = {
    ...record.properties,
    source_system: record.properties.source_system ?? record.namespace[1] ?? record.name,
    file_format: spec.format,
    converted_from: sourceName,
    ingest_type: 'conversion',
  };
  return {
    columns: schema.fields.map((f) => ({ name: f.name, type: f.type })),
    // Hive folders become the Iceberg table's identity partitions: the same pruning, kept.
    partitionBy: spec.partitionColumns.map((p) => ({
      source: p.name,
      transform: 'identity',
      name: p.name,
    })),
    ...(record.description === null ? {} : { description: record.description }),
    properties,
    ...(owner === undefined ? {} : { owner }),
  };
}

/** Writes every row of the raw files into the (new, still invisible) table in one snapshot. */
export async function copyRawRows(
  table: IcebergTable,
  source: ResolvedTable,
  options: RowChangeOptions | undefined,
): Promise<{ table: IcebergTable; rows: number; files: number }> {
  if (options === undefined) {
    throw new InternalError('The catalog was built without engine settings for conversions.');
  }
  await mkdir(options.session.tempDir, { recursive: true });
  const scratch = await mkdtemp(path.join(options.session.tempDir, 'convert-'));
  const session = await openSession({ ...options.session, tempDir: scratch });
  try {
    const written = await appendQuery(session, table, tableScanSql(source), {
      tempDir: scratch,
      targetFileSizeBytes: options.targetFileSizeBytes,
      inTableShape: true,
      summary: { 'lakeward.converted-from': source.name },
    });
    return { table: written.table, rows: written.rows, files: written.files.length };
  } catch (err) {
    if (err instanceof LakewardError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new InvalidInput(
      'EXTERNAL_FILES_UNREADABLE',
      `The raw files of ${source.name} could not be read as declared: ${reason}`,
      {
        hint: `Fix or remove the file named above, exclude it (lakeward table update-external ${source.name} --exclude GLOB), or declare the column with a wider type (string reads anything); then convert again.`,
        cause: err,
      },
    );
  } finally {
    session.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
