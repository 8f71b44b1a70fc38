export type * from './contract.js';
export {
  DRIFT_POLICIES,
  STREAM_BRONZE_COLUMNS,
  STREAM_FORMATS,
  STREAM_SOURCE_KINDS,
  STREAM_STATES,
  STREAM_SUMMARY_KEYS,
} from './contract.js';
export { openWriteAheadLog } from './log/write-ahead-log.js';
export { StreamWriter } from './writer/stream-writer.js';
export type { StreamIdentityInput, StreamWriterDeps } from './writer/stream-writer.js';
export type { WriteAheadLogOptions } from './log/write-ahead-log.js';
export { Streams } from './streams.js';
export { definitionOf } from './stream-definition.js';
export { StreamLauncher } from './stream-launcher.js';
export type { StreamLauncherDeps } from './stream-launcher.js';
export type { PushResult, StreamControl, StreamsDeps, StreamView } from './streams.js';
export type { StreamHolderView } from './streams.js';
export { StreamRunner } from './stream-runner.js';
export type { StreamCommitter, StreamRunnerDeps } from './stream-runner.js';
export type { StreamStatus } from './stream-status.js';
export { STREAM_DEFAULTS } from './stream-request.js';
export type { StreamRequest } from './stream-request.js';
export { PUSH_CONTENT_TYPES } from './pushed-records.js';
export type { PushContentType } from './pushed-records.js';
export { streamParts } from './stream-parts.js';
export type { StreamParts } from './stream-parts.js';
export { KafkaSource } from './sources/kafka-source.js';
export type { KafkaSourceConfig } from './sources/kafka-source.js';
export { WalSource, WAL_PARTITION } from './sources/wal-source.js';
export type { WalSourceOptions } from './sources/wal-source.js';
export { openStreamSource } from './sources/open-stream-source.js';
export type { StreamSourceDeps } from './sources/open-stream-source.js';
export type { SourceLogger } from './sources/source-logger.js';
export { NatsSource, NATS_PARTITION } from './sources/nats-source.js';
export type { NatsSourceConfig } from './sources/nats-source.js';
export { MqttSource } from './sources/mqtt-source.js';
export type { MqttSourceConfig } from './sources/mqtt-source.js';
export { streamPositionKeeper } from './position-snapshots.js';
export type { ExistingStreams } from './position-snapshots.js';
