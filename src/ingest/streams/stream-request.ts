import { formatTableName, parseTableName } from '../../catalog/index.js';
import type { TableIdent } from '../../catalog/index.js';
import { InvalidInput } from '../../errors/index.js';
import { checkBronze } from '../bronze-table.js';
import { DRIFT_POLICIES, STREAM_FORMATS, STREAM_SOURCE_KINDS } from './contract.js';
import type {
  BatchLimits,
  DeclaredColumn,
  StreamDefinition,
  StreamSourceConfig,
} from './contract.js';
import { WRITABLE_TYPES_TEXT, writableType } from './writer/json-values.js';

const MiB = 1024 * 1024;

export const STREAM_DEFAULTS = {
  batch: { maxRecords: 100_000, maxBytes: 64 * MiB, maxIntervalMs: 1000 },
  drift: 'evolve',
  format: 'json',
  maxRecordBytes: MiB,
  memoryLimitBytes: 256 * MiB,
  logQuotaBytes: 1024 * MiB,
  deadLetterSuffix: '__dead_letter',
} as const;

/** A stream as a user asks for it (API body, CLI flags): names as text, options optional. */
export interface StreamRequest {
  name: string;
  /** bronze.<source>.<table> */
  table: string;
  source: {
    kind: string;
    brokers?: string[];
    topic?: string;
    groupId?: string;
    servers?: string[];
    stream?: string;
    subject?: string;
    consumer?: string;
    url?: string;
    clientId?: string;
    dedupKey?: string;
    dedupWindowSeconds?: number;
  };
  format?: string;
  columns?: DeclaredColumn[];
  batch?: Partial<BatchLimits>;
  drift?: string;
  deadLetterTable?: string;
  maxRecordBytes?: number;
  memoryLimitBytes?: number;
  logQuotaBytes?: number;
  sourceSystem?: string;
}

const NAME = /^[a-z][a-z0-9_]{0,62}$/;
const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

function invalid(code: string, message: string, hint: string): InvalidInput {
  return new InvalidInput(code, message, { hint });
}

function option(what: string, value: string, hint: string): InvalidInput {
  return invalid('INVALID_STREAM_OPTION', `${what}: ${value}.`, hint);
}

/** The request checked and completed with defaults: what is stored and run. */
export function streamDefinition(request: StreamRequest): StreamDefinition {
  if (!NAME.test(request.name)) {
    throw invalid(
      'INVALID_STREAM_NAME',
      `"${request.name}" is not a stream name.`,
      'Use lower-case letters, digits and underscores, starting with a letter (e.g. pos_sales).',
    );
  }
  const table = tableOf(request.table, '--table');
  const format = oneOf(request.format ?? STREAM_DEFAULTS.format, STREAM_FORMATS, 'format');
  const drift = oneOf(request.drift ?? STREAM_DEFAULTS.drift, DRIFT_POLICIES, 'drift policy');
  const deadLetterTable =
    request.deadLetterTable === undefined
      ? { namespace: table.namespace, name: `${table.name}${STREAM_DEFAULTS.deadLetterSuffix}` }
      : tableOf(request.deadLetterTable, '--dead-letter-table');
  if (formatTableName(deadLetterTable) === formatTableName(table)) {
    throw option(
      'The dead-letter table is the stream table itself',
      formatTableName(table),
      'Name another table, or leave it out for <table>__dead_letter.',
    );
  }
  return {
    name: request.name,
    table,
    source: sourceOf(request.name, request.source),
    format,
    ...(request.columns === undefined ? {} : { columns: columnsOf(request.columns) }),
    batch: {
      maxRecords: positive(
        request.batch?.maxRecords,
        STREAM_DEFAULTS.batch.maxRecords,
        'max records',
      ),
      maxBytes: positive(request.batch?.maxBytes, STREAM_DEFAULTS.batch.maxBytes, 'max bytes'),
      maxIntervalMs: positive(
        request.batch?.maxIntervalMs,
        STREAM_DEFAULTS.batch.maxIntervalMs,
        'max interval (ms)',
      ),
    },
    drift,
    deadLetterTable,
    maxRecordBytes: positive(
      request.maxRecordBytes,
      STREAM_DEFAULTS.maxRecordBytes,
      'max record bytes',
    ),
    memoryLimitBytes: positive(
      request.memoryLimitBytes,
      STREAM_DEFAULTS.memoryLimitBytes,
      'memory limit (bytes)',
    ),
    logQuotaBytes: positive(
      request.logQuotaBytes,
      STREAM_DEFAULTS.logQuotaBytes,
      'log quota (bytes)',
    ),
    // bronze.<source_system>.<table>: the brief's naming gives the source system.
    sourceSystem: request.sourceSystem ?? table.namespace[1] ?? table.name,
  };
}

function tableOf(text: string, flag: string): TableIdent {
  let ident: TableIdent;
  try {
    ident = parseTableName(text);
  } catch {
    throw option(
      `${flag} is not a table name`,
      JSON.stringify(text),
      'Name the table as bronze.<source>.<table>, e.g. bronze.pos.sales.',
    );
  }
  checkBronze(ident);
  if (ident.namespace.length < 2) {
    throw option(
      `${flag} needs a source level`,
      formatTableName(ident),
      `Name the table as bronze.<source>.${ident.name} (the brief's bronze.<source_system>.<table>).`,
    );
  }
  return ident;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw option(`Unknown ${what}`, JSON.stringify(value), `Use one of: ${allowed.join(', ')}.`);
}

function positive(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (Number.isSafeInteger(value) && value > 0) return value;
  throw option(
    `The ${what} must be a positive whole number`,
    String(value),
    `Leave it out for ${fallback}.`,
  );
}

function columnsOf(columns: DeclaredColumn[]): DeclaredColumn[] {
  const seen = new Set<string>();
  for (const column of columns) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(column.name) || column.name.startsWith('_')) {
      throw option(
        'A declared column has an unusable name',
        JSON.stringify(column.name),
        'Use letters, digits and underscores, not starting with _ (bronze columns start with _).',
      );
    }
    if (!writableType(column.type)) {
      throw option(
        `Column ${column.name} has an unknown type`,
        JSON.stringify(column.type),
        `Use one of: ${WRITABLE_TYPES_TEXT}.`,
      );
    }
    if (seen.has(column.name)) {
      throw option('A column is declared twice', column.name, 'Declare each column once.');
    }
    seen.add(column.name);
  }
  return columns;
}

function required(value: string | undefined, what: string, hint: string): string {
  if (value !== undefined && value.trim() !== '') return value.trim();
  throw invalid('INVALID_STREAM_SOURCE', `This source needs ${what}.`, hint);
}

function sourceOf(name: string, source: StreamRequest['source']): StreamSourceConfig {
  const kind = oneOf(source.kind, STREAM_SOURCE_KINDS, 'source');
  switch (kind) {
    case 'http':
      return { kind };
    case 'kafka':
      return {
        kind,
        brokers: hostPorts(source.brokers, 'brokers', '--brokers 127.0.0.1:9092,10.0.0.2:9092'),
        topic: topicOf(required(source.topic, 'a topic', 'Pass --topic sales.')),
        groupId: source.groupId ?? `lakeward-${name}`,
      };
    case 'nats':
      return {
        kind,
        servers: natsServers(source.servers),
        stream: required(source.stream, 'a JetStream stream', 'Pass --nats-stream ORDERS.'),
        ...(source.subject === undefined ? {} : { subject: source.subject }),
        consumer: source.consumer ?? `lakeward-${name}`,
      };
    case 'mqtt':
      return {
        kind,
        url: mqttUrl(required(source.url, 'a broker URL', 'Pass --url mqtt://host:1883.')),
        topic: required(source.topic, 'a topic filter', "Pass --topic 'sensors/+/temperature'."),
        clientId: source.clientId ?? `lakeward-${name}`,
        ...(source.dedupKey === undefined ? {} : { dedupKey: source.dedupKey }),
        dedupWindowSeconds: positive(source.dedupWindowSeconds, 600, 'dedup window (s)'),
      };
  }
}

function hostPorts(list: string[] | undefined, what: string, example: string): string[] {
  const items = (list ?? []).map((b) => b.trim()).filter((b) => b !== '');
  if (items.length === 0) {
    throw invalid('INVALID_STREAM_SOURCE', `This source needs ${what}.`, `Pass ${example}.`);
  }
  for (const item of items) {
    if (!HOST_PORT.test(item) || Number(item.split(':')[1]) > 65535) {
      throw option(
        `A broker is not host:port`,
        JSON.stringify(item),
        `Give each broker as host:port: ${example}.`,
      );
    }
  }
  return items;
}

function topicOf(topic: string): string {
  if (/^[A-Za-z0-9._-]{1,249}$/.test(topic)) return topic;
  throw option(
    'Not a Kafka topic name',
    JSON.stringify(topic),
    'Kafka topics use letters, digits, ".", "_" and "-" (at most 249).',
  );
}

function natsServers(list: string[] | undefined): string[] {
  const servers = (list ?? []).map((s) => s.trim()).filter((s) => s !== '');
  if (servers.length === 0) {
    throw invalid(
      'INVALID_STREAM_SOURCE',
      'This source needs NATS servers.',
      'Pass --servers nats://127.0.0.1:4222.',
    );
  }
  for (const server of servers) {
    const bare = server.replace(/^(nats|tls):\/\//, '');
    if (!HOST_PORT.test(bare)) {
      throw option(
        'A NATS server is not nats://host:port',
        JSON.stringify(server),
        'Pass --servers nats://127.0.0.1:4222.',
      );
    }
  }
  return servers;
}

function mqttUrl(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed !== undefined && ['mqtt:', 'mqtts:'].includes(parsed.protocol) && parsed.hostname) {
    return url;
  }
  throw option(
    'Not an MQTT broker URL',
    JSON.stringify(url),
    'Pass --url mqtt://host:1883 (or mqtts://).',
  );
}
