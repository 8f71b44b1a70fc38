import type { LineageRun, SqlLineage } from './contract.js';

/** Who wrote the events (OpenLineage `producer`) and the spec version they follow. */
export const PRODUCER = 'https://github.com/lakeward/lakeward';
export const RUN_EVENT_SCHEMA =
  'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const FACETS = 'https://openlineage.io/spec/facets';

export interface OpenLineageDataset {
  namespace: string;
  name: string;
  facets?: Record<string, unknown>;
  inputFacets?: Record<string, unknown>;
  outputFacets?: Record<string, unknown>;
}

/** An OpenLineage RunEvent (spec 2-0-2), the fields this project writes and reads. */
export interface OpenLineageRunEvent {
  eventType: 'START' | 'RUNNING' | 'COMPLETE' | 'ABORT' | 'FAIL' | 'OTHER';
  eventTime: string;
  run: { runId: string; facets?: Record<string, unknown> };
  job: { namespace: string; name: string; facets?: Record<string, unknown> };
  inputs?: OpenLineageDataset[];
  outputs?: OpenLineageDataset[];
  producer: string;
  schemaURL: string;
}

function facet(name: string, body: Record<string, unknown>): Record<string, unknown> {
  return { _producer: PRODUCER, _schemaURL: `${FACETS}/${name}`, ...body };
}

/**
 * The run event of one of our job runs: the SQL and job type on the job, the target's
 * schema, column lineage (fields → inputFields with their transformation) and data
 * quality on the output, the snapshot each input was read at.
 */
export function runEvent(
  run: LineageRun,
  lineage: SqlLineage | undefined,
  namespace: string,
): OpenLineageRunEvent {
  const outputFacets: Record<string, unknown> = {};
  if (run.schema.length > 0) {
    outputFacets.schema = facet('1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet', {
      fields: run.schema.map((c) => ({ name: c.name, type: c.type })),
    });
  }
  if (lineage !== undefined && lineage.columns.length > 0) {
    outputFacets.columnLineage = facet(
      '1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet',
      { fields: columnLineageFields(lineage, namespace) },
    );
  }
  if (run.quality !== undefined) {
    outputFacets.dataQualityAssertions = facet(
      '1-0-1/DataQualityAssertionsDatasetFacet.json#/$defs/DataQualityAssertionsDatasetFacet',
      {
        assertions: run.quality.rules.map((r) => ({
          assertion: r.rule,
          success: r.status === 'pass',
        })),
      },
    );
  }
  const runFacets: Record<string, unknown> = {};
  if (run.error !== undefined) {
    runFacets.errorMessage = facet('1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet', {
      message: run.error,
      programmingLanguage: 'SQL',
    });
  }
  return {
    eventType: run.eventType,
    eventTime: run.at,
    run: { runId: run.runId, facets: runFacets },
    job: {
      namespace,
      name: run.job,
      facets: {
        sql: facet('1-1-0/SQLJobFacet.json#/$defs/SQLJobFacet', { query: run.sql }),
        jobType: facet('2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet', {
          processingType: 'BATCH',
          integration: 'LAKEWARD',
          jobType: 'QUERY',
        }),
      },
    },
    inputs: run.inputs.map((input) => ({
      namespace,
      name: input.table,
      ...(input.snapshotId !== null && {
        facets: {
          version: facet(
            '1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet',
            {
              datasetVersion: input.snapshotId,
            },
          ),
        },
      }),
    })),
    outputs: [
      {
        namespace,
        name: run.target,
        facets: {
          ...outputFacets,
          ...(run.targetSnapshotId !== null && {
            version: facet(
              '1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet',
              {
                datasetVersion: run.targetSnapshotId,
              },
            ),
          }),
        },
      },
    ],
    producer: PRODUCER,
    schemaURL: RUN_EVENT_SCHEMA,
  };
}

const SUBTYPES = { identity: 'IDENTITY', expression: 'TRANSFORMATION', aggregate: 'AGGREGATION' };

function columnLineageFields(lineage: SqlLineage, namespace: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const column of lineage.columns) {
    fields[column.column] = {
      inputFields: column.sources.map((s) => ({
        namespace,
        name: s.table,
        field: s.column,
        transformations: [
          {
            type: 'DIRECT',
            subtype: SUBTYPES[column.transformation],
            description: '',
            masking: false,
          },
        ],
      })),
    };
  }
  return fields;
}
