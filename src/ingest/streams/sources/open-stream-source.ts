import { InternalError } from '../../../errors/index.js';
import type { StreamDefinition, StreamSource, WriteAheadLog } from '../contract.js';
import { KafkaSource } from './kafka-source.js';
import { MqttSource } from './mqtt-source.js';
import { NatsSource } from './nats-source.js';
import type { SourceLogger } from './source-logger.js';
import { WalSource } from './wal-source.js';

export interface StreamSourceDeps {
  /** The stream's write-ahead log: required by http and mqtt streams. */
  log?: WriteAheadLog;
  /** The position key of the log's records; default 'wal' (WalSourceOptions.partition). */
  logPartition?: string;
  streamId: string;
  logger?: SourceLogger;
}

/** The source a stream definition reads from, not started yet. */
export function openStreamSource(
  definition: StreamDefinition,
  deps: StreamSourceDeps,
): StreamSource {
  const { source, name } = definition;
  const defaultName = `lakeward-${name}`;
  switch (source.kind) {
    case 'http':
      return new WalSource(requireLog(definition, deps.log), {
        ...(deps.logPartition === undefined ? {} : { partition: deps.logPartition }),
      });
    case 'kafka':
      return new KafkaSource(
        {
          brokers: source.brokers,
          topic: source.topic,
          groupId: source.groupId ?? defaultName,
          clientId: defaultName,
        },
        deps.logger,
      );
    case 'nats':
      return new NatsSource(
        {
          servers: source.servers,
          stream: source.stream,
          consumer: source.consumer ?? defaultName,
          ...(source.subject === undefined ? {} : { subject: source.subject }),
        },
        deps.logger,
      );
    case 'mqtt':
      return new MqttSource(
        {
          url: source.url,
          topic: source.topic,
          clientId: source.clientId ?? defaultName,
          ...(source.dedupKey === undefined ? {} : { dedupKey: source.dedupKey }),
          ...(deps.logPartition === undefined ? {} : { logPartition: deps.logPartition }),
        },
        requireLog(definition, deps.log),
        deps.logger,
      );
  }
}

function requireLog(definition: StreamDefinition, log: WriteAheadLog | undefined): WriteAheadLog {
  if (log === undefined) {
    throw new InternalError(
      `Stream ${definition.name} reads from its write-ahead log (source ${definition.source.kind}), but none was opened.`,
    );
  }
  return log;
}
