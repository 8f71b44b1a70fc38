import type { IcebergType } from '../../../iceberg/index.js';
import { typeToString } from '../../../iceberg/index.js';
import { tableName } from '../../ingest-job.js';
import type { PreparedRecords, StreamDefinition, StreamRecord } from '../contract.js';
import { NdjsonRows } from './ndjson-rows.js';
import { decodeRecords, type DeadLetter } from './record-decoding.js';
import { fitRows, rowsAsSent, type FittedRows } from './schema-fit.js';

export type Columns = { name: string; type: IcebergType }[];

/** A batch's records decoded and fitted to columns: its rows, and the records set aside. */
export interface DecodedBatch {
  fitted: FittedRows;
  dead: DeadLetter[];
}

export function decodeBatch(
  records: StreamRecord[],
  definition: StreamDefinition,
  columns: Columns | undefined,
): DecodedBatch {
  const rows = new NdjsonRows(records.reduce((n, r) => n + r.value.length, 0));
  const { maxRecordBytes, format } = definition;
  const decoded = decodeRecords(records, format, maxRecordBytes, rowsAsSent(columns, rows));
  const fitted = fitRows({
    units: decoded.units,
    columns,
    policy: definition.drift,
    table: tableName(definition.table),
    rows,
  });
  return { fitted, dead: [...decoded.dead, ...fitted.dead] };
}

/**
 * A batch decoded ahead of its commit, while the batch before it is written, against the
 * columns the table had then. Its commit uses it only if the table still has exactly
 * those columns (the batch before may have added some); a drift refusal is kept and
 * thrown at its commit, in order.
 */
export class PreparedBatch implements PreparedRecords {
  readonly #decoded: DecodedBatch | Error;

  constructor(
    readonly records: StreamRecord[],
    readonly columns: Columns | undefined,
    definition: StreamDefinition,
  ) {
    let decoded: DecodedBatch | Error;
    try {
      decoded = decodeBatch(records, definition, columns);
    } catch (err) {
      decoded = err instanceof Error ? err : new Error(String(err));
    }
    this.#decoded = decoded;
  }

  /** The decoded batch when it was decoded against these columns. */
  fitting(columns: Columns | undefined): DecodedBatch | undefined {
    if (!sameColumns(this.columns, columns)) return undefined;
    if (this.#decoded instanceof Error) throw this.#decoded;
    return this.#decoded;
  }
}

function sameColumns(a: Columns | undefined, b: Columns | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.length === b.length &&
    a.every((c, i) => c.name === b[i]!.name && typeToString(c.type) === typeToString(b[i]!.type))
  );
}
