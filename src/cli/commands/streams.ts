import type { Command } from 'commander';
import type { BatchLimits, StreamRequest, StreamView } from '../../ingest/index.js';
import { printFields, printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';

/**
 * The flags of `streams create`: the request's options under their own names where a flag
 * holds them as they are, and text for what requestOf parses (lists, columns).
 */
type CreateOptions = Partial<
  Pick<
    StreamRequest,
    | 'table'
    | 'format'
    | 'drift'
    | 'deadLetterTable'
    | 'maxRecordBytes'
    | 'memoryLimitBytes'
    | 'logQuotaBytes'
    | 'sourceSystem'
  >
> &
  Pick<
    StreamRequest['source'],
    'topic' | 'subject' | 'url' | 'clientId' | 'dedupKey' | 'dedupWindowSeconds'
  > &
  Partial<BatchLimits> & {
    source?: string;
    brokers?: string;
    group?: string;
    servers?: string;
    natsStream?: string;
    columns?: string;
    json?: boolean;
  };

/** A status older than this, on a running stream, means no server is running it. */
const STALE_STATUS_MS = 10_000;

const integer = (value: string) => Number(value);
const list = (text: string | undefined) =>
  text === undefined ? undefined : text.split(',').map((s) => s.trim());

function requestOf(name: string, o: CreateOptions): StreamRequest {
  const defined = <T extends object>(value: T): T =>
    Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
  const batch = defined({
    maxRecords: o.maxRecords,
    maxBytes: o.maxBytes,
    maxIntervalMs: o.maxIntervalMs,
  });
  return defined({
    name,
    table: o.table ?? '',
    source: defined({
      kind: o.source ?? '',
      brokers: list(o.brokers),
      topic: o.topic,
      groupId: o.group,
      servers: list(o.servers),
      stream: o.natsStream,
      subject: o.subject,
      url: o.url,
      clientId: o.clientId,
      dedupKey: o.dedupKey,
      dedupWindowSeconds: o.dedupWindowSeconds,
    }),
    format: o.format,
    columns: o.columns === undefined ? undefined : columnsOf(o.columns),
    batch: Object.keys(batch).length === 0 ? undefined : batch,
    drift: o.drift,
    deadLetterTable: o.deadLetterTable,
    maxRecordBytes: o.maxRecordBytes,
    memoryLimitBytes: o.memoryLimitBytes,
    logQuotaBytes: o.logQuotaBytes,
    sourceSystem: o.sourceSystem,
  });
}

/** 'id:long,name:string' → declared columns (types are checked by the service). */
function columnsOf(text: string): { name: string; type: string }[] {
  return text.split(',').map((part) => {
    const at = part.indexOf(':');
    return at === -1
      ? { name: part.trim(), type: '' }
      : { name: part.slice(0, at).trim(), type: part.slice(at + 1).trim() };
  });
}

function sourceText(s: StreamView): string {
  const source = s.definition.source;
  switch (source.kind) {
    case 'http':
      return 'http push';
    case 'kafka':
      return `kafka ${source.topic} @ ${source.brokers.join(',')}`;
    case 'nats':
      return `nats ${source.stream}${source.subject ? ` (${source.subject})` : ''} @ ${source.servers.join(',')}`;
    case 'mqtt':
      return `mqtt ${source.topic} @ ${source.url}`;
  }
}

function staleness(s: StreamView, now: number): string | undefined {
  if (s.state !== 'running') return undefined;
  if (s.status === null) return 'not started yet: is `lakeward serve` running on this home?';
  const age = now - Date.parse(s.status.at);
  return age > STALE_STATUS_MS
    ? `last reported ${Math.round(age / 1000)} s ago: is \`lakeward serve\` running on this home?`
    : undefined;
}

export function registerStreams(program: Command, out: Output): void {
  const streams = program
    .command('streams')
    .alias('stream')
    .description('streams into bronze tables: HTTP push, Kafka, NATS JetStream, MQTT');
  withExamples(
    streams,
    'streams create pos_sales --table bronze.pos.sales --source http',
    'streams create clicks --table bronze.web.clicks --source kafka --brokers 127.0.0.1:9092 --topic clicks',
    'streams status pos_sales',
  );
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

  withExamples(
    streams
      .command('create')
      .description(
        'create a stream (it runs as you, in the server, which picks it up within seconds)',
      )
      .argument('<name>', 'lower-case letters, digits and _')
      .requiredOption('--table <name>', 'bronze.<source>.<table>; created on the first commit')
      .requiredOption('--source <kind>', 'http, kafka, nats or mqtt')
      .option('--brokers <list>', 'kafka: host:port,host:port')
      .option('--topic <name>', 'kafka topic, or mqtt topic filter (wildcards allowed)')
      .option('--group <id>', 'kafka consumer group (default lakeward-<name>)')
      .option('--servers <list>', 'nats: nats://host:port,…')
      .option('--nats-stream <name>', 'nats: the JetStream stream to read')
      .option('--subject <filter>', 'nats: subject filter inside the stream')
      .option('--url <url>', 'mqtt: mqtt://host:port')
      .option('--client-id <id>', 'mqtt: client id of the persistent session')
      .option('--dedup-key <field>', 'mqtt: a field identifying a message; repeats are dropped')
      .option(
        '--dedup-window-seconds <n>',
        'mqtt: how long ids are remembered (default 600)',
        integer,
      )
      .option('--format <format>', 'json (default) or ndjson')
      .option(
        '--columns <list>',
        "declared columns, e.g. 'id:long,name:string' (default: inferred)",
      )
      .option('--max-records <n>', 'records per commit at most (default 100000)', integer)
      .option('--max-bytes <n>', 'bytes per commit at most (default 64 MiB)', integer)
      .option(
        '--max-interval-ms <n>',
        'time a record waits for its commit at most (default 1000)',
        integer,
      )
      .option('--drift <policy>', 'a new field: evolve (add the column), dead-letter or fail')
      .option('--dead-letter-table <name>', 'default <table>__dead_letter')
      .option(
        '--max-record-bytes <n>',
        'larger records go to the dead letter (default 1 MiB)',
        integer,
      )
      .option('--memory-limit-bytes <n>', 'records held in memory (default 256 MiB)', integer)
      .option(
        '--log-quota-bytes <n>',
        'disk of the write-ahead log, HTTP/MQTT (default 1 GiB)',
        integer,
      )
      .option('--source-system <name>', 'shown as _source_system (default: the <source> level)')
      .option('--json', 'print JSON')
      .action(async (name: string, o: CreateOptions, command: Command) => {
        const { created, served } = await withSession(globals(command), async (s) => ({
          created: await s.services.streams.create(s.caller, requestOf(name, o)),
          served: s.services.streams.served,
        }));
        if (o.json) return printJson(out, created);
        out.stdout.write(
          `Created stream ${created.name} into ${created.table} (${sourceText(created)}).\n`,
        );
        if (!served) {
          out.stdout.write(
            'It runs in the server: a running `lakeward serve` on this home picks it up within a few seconds (or when it starts).\n',
          );
        }
        if (created.definition.source.kind === 'http') {
          out.stdout.write(
            `Push records: POST /api/v1/streams/${created.name}/records (application/json or application/x-ndjson).\n`,
          );
        }
      }),
    'streams create pos_sales --table bronze.pos.sales --source http --max-interval-ms 500',
    'streams create clicks --table bronze.web.clicks --source kafka --brokers 127.0.0.1:9092 --topic clicks --drift dead-letter',
    'streams create orders --table bronze.shop.orders --source nats --servers nats://127.0.0.1:4222 --nats-stream ORDERS',
    "streams create temps --table bronze.iot.temps --source mqtt --url mqtt://127.0.0.1:1883 --topic 'sensors/+/temp' --dedup-key id",
  );

  withExamples(
    streams
      .command('list')
      .description('the streams whose table you may see')
      .option('--json', 'print JSON')
      .action(async (o: { json?: boolean }, command: Command) => {
        const all = await withSession(globals(command), (s) => s.services.streams.list(s.caller));
        if (o.json) return printJson(out, all);
        printRows(
          out,
          ['NAME', 'STATE', 'SOURCE', 'TABLE', 'LAG', 'RECORDS/S', 'COMMITTED', 'LAST COMMIT'],
          all.map((s) => [
            s.name,
            s.state,
            sourceText(s),
            s.table,
            s.status?.lag ?? null,
            s.status?.recordsPerSecond ?? null,
            s.status?.committedRecords ?? null,
            s.status?.lastCommitAt ?? '',
          ]),
        );
      }),
    'streams list',
  );

  withExamples(
    streams
      .command('status')
      .description('state, lag, rates, last commit and errors of a stream')
      .argument('<name>')
      .option('--json', 'print JSON')
      .action(async (name: string, o: { json?: boolean }, command: Command) => {
        const s = await withSession(globals(command), (session) =>
          session.services.streams.get(session.caller, name),
        );
        if (o.json) return printJson(out, s);
        const status = s.status;
        printFields(out, [
          ['Name', s.name],
          ['State', s.error === null ? s.state : `${s.state}: ${s.error}`],
          ['Source', sourceText(s)],
          ['Table', s.table],
          ['Dead letters', s.deadLetterTable],
          ['Runs as', s.runAs],
          [
            'Run by',
            s.holder === null
              ? 'no server'
              : `${s.holder.url ?? s.holder.id} (since ${s.holder.since})`,
          ],
          [
            'Batching',
            `${s.definition.batch.maxRecords} records, ${s.definition.batch.maxBytes} bytes, ${s.definition.batch.maxIntervalMs} ms`,
          ],
          ['Drift policy', s.definition.drift],
          ['Lag (records)', status?.lag],
          ['Records/s (1 min)', status?.recordsPerSecond],
          ['Bytes/s (1 min)', status?.bytesPerSecond],
          ['Committed records', status?.committedRecords],
          ['Dead-lettered', status?.deadLettered],
          [
            'Last commit',
            status?.lastCommitAt
              ? `${status.lastCommitAt} (snapshot ${status.lastSnapshotId})`
              : '',
          ],
          [
            'Last error',
            status?.lastError
              ? `${status.lastErrorAt} ${status.lastError}${status.retrying ? ' (retrying)' : ''}`
              : '',
          ],
          ['Positions', status?.positions],
          ['Reported at', status?.at],
        ]);
        const stale = staleness(s, Date.now());
        if (stale !== undefined) out.stdout.write(`Note: ${stale}\n`);
      }),
    'streams status pos_sales',
    'streams status pos_sales --json',
  );

  for (const action of ['pause', 'resume'] as const) {
    withExamples(
      streams
        .command(action)
        .description(
          action === 'pause'
            ? 'stop committing (HTTP pushes are still logged while the log quota lasts)'
            : 'start a paused or failed stream again',
        )
        .argument('<name>')
        .action(async (name: string, _o: unknown, command: Command) => {
          const s = await withSession(globals(command), (session) =>
            session.services.streams[action](session.caller, name),
          );
          out.stdout.write(`Stream ${s.name} is ${s.state}.\n`);
        }),
      `streams ${action} pos_sales`,
    );
  }

  withExamples(
    streams
      .command('delete')
      .description('stop and delete a stream (its table and dead-letter table stay)')
      .argument('<name>')
      .action(async (name: string, _o: unknown, command: Command) => {
        await withSession(globals(command), (s) => s.services.streams.delete(s.caller, name));
        out.stdout.write(`Deleted stream ${name}; its table stays.\n`);
      }),
    'streams delete pos_sales',
  );
}
