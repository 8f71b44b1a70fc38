import {
  BIGINT,
  BLOB,
  DATE,
  DuckDBScalarFunction,
  INTEGER,
  TIME,
  TIMESTAMP,
  TIMESTAMP_NS,
  TIMESTAMPTZ,
  UUID,
  VARCHAR,
} from '@duckdb/node-api';
import type {
  DuckDBBlobValue,
  DuckDBConnection,
  DuckDBDateValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampValue,
  DuckDBType,
  DuckDBValue,
} from '@duckdb/node-api';
import { applyTransform } from '../iceberg/index.js';
import type { PrimitiveType } from '../iceberg/index.js';

/**
 * Iceberg's bucket[N] transform as DuckDB functions, so PARTITION_BY can compute
 * bucket folders inside the COPY: `iceberg_bucket(value, n)` for integers, text,
 * dates, times, timestamps, uuids and blobs, and `iceberg_bucket_decimal(text, n)`
 * for a decimal printed by DuckDB (which always prints every scale digit).
 */
interface Overload {
  duck: DuckDBType;
  iceberg: PrimitiveType;
  value: (item: DuckDBValue) => unknown;
}

const micros = (item: DuckDBValue): unknown => (item as DuckDBTimestampValue).micros;

const overloads: Overload[] = [
  { duck: INTEGER, iceberg: 'int', value: (item) => item },
  { duck: BIGINT, iceberg: 'long', value: (item) => item },
  { duck: VARCHAR, iceberg: 'string', value: (item) => item },
  { duck: DATE, iceberg: 'date', value: (item) => (item as DuckDBDateValue).days },
  { duck: TIME, iceberg: 'time', value: micros },
  { duck: TIMESTAMP, iceberg: 'timestamp', value: micros },
  { duck: TIMESTAMPTZ, iceberg: 'timestamptz', value: micros },
  {
    duck: TIMESTAMP_NS,
    iceberg: 'timestamp_ns',
    value: (item) => (item as DuckDBTimestampNanosecondsValue).nanos,
  },
  { duck: UUID, iceberg: 'uuid', value: (item) => String(item) },
  { duck: BLOB, iceberg: 'binary', value: (item) => (item as DuckDBBlobValue).bytes },
];

export function registerBucketFunctions(connection: DuckDBConnection): void {
  for (const overload of overloads) {
    connection.registerScalarFunction(
      bucketFunction('iceberg_bucket', overload.duck, (item) => ({
        type: overload.iceberg,
        value: overload.value(item),
      })),
    );
  }
  connection.registerScalarFunction(
    bucketFunction('iceberg_bucket_decimal', VARCHAR, (item) => {
      const text = String(item);
      const scale = text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
      return { type: `decimal(38, ${scale})`, value: text };
    }),
  );
}

function bucketFunction(
  name: string,
  parameter: DuckDBType,
  source: (item: DuckDBValue) => { type: PrimitiveType; value: unknown },
): DuckDBScalarFunction {
  return DuckDBScalarFunction.create({
    name,
    returnType: INTEGER,
    parameterTypes: [parameter, INTEGER],
    mainFunction: (_info, input, output) => {
      const values = input.getColumnVector(0);
      const counts = input.getColumnVector(1);
      for (let row = 0; row < input.rowCount; row++) {
        const { type, value } = source(values.getItem(row));
        const bucket = applyTransform(`bucket[${String(counts.getItem(row))}]`, type, value);
        output.setItem(row, bucket as number);
      }
      output.flush();
    },
  });
}
