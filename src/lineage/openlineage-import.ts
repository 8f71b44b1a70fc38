import { InvalidInput } from '../errors/index.js';
import type { LineageEdgeRecord } from '../metastore/index.js';
import type { OpenLineageDataset, OpenLineageRunEvent } from './openlineage-event.js';

const EVENT_TYPES = ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'] as const;

function invalid(field: string, problem: string): InvalidInput {
  return new InvalidInput('INVALID_OPENLINEAGE_EVENT', `OpenLineage event: ${field} ${problem}.`, {
    details: { field },
    hint: 'Send a RunEvent as the OpenLineage spec describes it: eventType, eventTime, run.runId, job.namespace, job.name, producer, schemaURL, inputs/outputs with namespace and name.',
  });
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw invalid(field, 'must be a non-empty string');
  return value;
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(field, 'must be an object');
  }
  return value as Record<string, unknown>;
}

function datasets(value: unknown, field: string): OpenLineageDataset[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(field, 'must be an array');
  return value.map((item, i) => {
    const ds = object(item, `${field}[${i}]`);
    return {
      ...(ds as object),
      namespace: text(ds.namespace, `${field}[${i}].namespace`),
      name: text(ds.name, `${field}[${i}].name`),
    };
  });
}

/** Checks a RunEvent's required fields (spec 2-0-2) and returns it typed; InvalidInput names the first wrong field. */
export function parseRunEvent(body: unknown): OpenLineageRunEvent {
  const event = object(body, 'the event');
  const eventType = event.eventType === undefined ? 'OTHER' : text(event.eventType, 'eventType');
  if (!(EVENT_TYPES as readonly string[]).includes(eventType)) {
    throw invalid('eventType', `must be one of ${EVENT_TYPES.join(', ')}`);
  }
  const eventTime = text(event.eventTime, 'eventTime');
  if (Number.isNaN(Date.parse(eventTime)))
    throw invalid('eventTime', 'must be an ISO 8601 date-time');
  const run = object(event.run, 'run');
  const runId = text(run.runId, 'run.runId');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(runId)) {
    throw invalid('run.runId', 'must be a UUID');
  }
  const job = object(event.job, 'job');
  text(job.namespace, 'job.namespace');
  text(job.name, 'job.name');
  text(event.producer, 'producer');
  text(event.schemaURL, 'schemaURL');
  return {
    ...(event as object),
    eventType: eventType as OpenLineageRunEvent['eventType'],
    inputs: datasets(event.inputs, 'inputs'),
    outputs: datasets(event.outputs, 'outputs'),
  } as OpenLineageRunEvent;
}

const SUBTYPES: Record<string, string> = {
  IDENTITY: 'identity',
  AGGREGATION: 'aggregate',
};

/**
 * The edges an event states: every input to every output, and the column lineage facet's
 * fields → inputFields. `node` names each dataset as the graph keys it.
 */
export function eventEdges(
  event: OpenLineageRunEvent,
  node: (ds: { namespace: string; name: string }) => string,
): LineageEdgeRecord[] {
  const edges: LineageEdgeRecord[] = [];
  const inputs = event.inputs ?? [];
  for (const output of event.outputs ?? []) {
    const target = node(output);
    for (const input of inputs) {
      edges.push({
        source: node(input),
        sourceColumn: null,
        target,
        targetColumn: null,
        transformation: null,
      });
    }
    const facet = output.facets?.columnLineage as { fields?: unknown } | undefined;
    const fields = facet?.fields;
    if (typeof fields !== 'object' || fields === null) continue;
    for (const [column, spec] of Object.entries(fields as Record<string, unknown>)) {
      const inputFields = (spec as { inputFields?: unknown } | null)?.inputFields;
      if (!Array.isArray(inputFields)) {
        throw invalid(`columnLineage.fields.${column}.inputFields`, 'must be an array');
      }
      for (const [i, raw] of inputFields.entries()) {
        const where = `columnLineage.fields.${column}.inputFields[${i}]`;
        const field = object(raw, where);
        const source = node({
          namespace: text(field.namespace, `${where}.namespace`),
          name: text(field.name, `${where}.name`),
        });
        edges.push({
          source,
          sourceColumn: text(field.field, `${where}.field`),
          target,
          targetColumn: column,
          transformation: transformationOf(field, spec),
        });
      }
    }
  }
  return edges;
}

/** The spec's transformations (1-2-0) or the older transformationType of the field. */
function transformationOf(field: Record<string, unknown>, spec: unknown): string {
  const list = field.transformations;
  if (Array.isArray(list) && list.length > 0) {
    const subtypes = list.map((t) => String((t as { subtype?: unknown }).subtype ?? ''));
    if (subtypes.includes('AGGREGATION')) return 'aggregate';
    return subtypes.every((s) => s === 'IDENTITY') ? 'identity' : 'expression';
  }
  const legacy = (spec as { transformationType?: unknown }).transformationType;
  return SUBTYPES[String(legacy)] ?? 'expression';
}
