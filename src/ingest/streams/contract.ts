/**
 * Streaming ingestion into bronze (issue 6). The parts and how they meet:
 *
 *   HTTP push ─┐                      ┌─ Kafka consumer ─┐
 *   MQTT sub  ─┴─> WriteAheadLog ──> WalSource          ├─> StreamRunner ─> StreamWriter ─> Iceberg commit
 *                                     └─ NATS consumer  ─┘     (batching,      (rows, drift,     (positions in the
 *                                                               backpressure)   dead letters)     snapshot summary)
 *
 * Exactly-once: every commit of a stream writes the positions it has consumed up to
 * (per partition) and the stream's writer id into the snapshot summary of the same
 * Iceberg commit. On start the runner reads them back from the table's ancestry and
 * tells the source to start after them; a source acknowledges upstream only after the
 * commit that holds its records.
 */
import type { TableIdent } from '../../catalog/index.js';

export const STREAM_SOURCE_KINDS = ['http', 'kafka', 'nats', 'mqtt'] as const;
export type StreamSourceKind = (typeof STREAM_SOURCE_KINDS)[number];

export const STREAM_FORMATS = ['json', 'ndjson'] as const;
/** json: each message (or request body) is one object or an array of objects; ndjson: one object per line. */
export type StreamFormat = (typeof STREAM_FORMATS)[number];

export const DRIFT_POLICIES = ['evolve', 'dead-letter', 'fail'] as const;
/** What a record with a field the table lacks (or a type it cannot hold) does. */
export type DriftPolicy = (typeof DRIFT_POLICIES)[number];

export const STREAM_STATES = ['running', 'paused', 'failed'] as const;
export type StreamState = (typeof STREAM_STATES)[number];

export type StreamSourceConfig =
  | { kind: 'http' }
  | {
      kind: 'kafka';
      brokers: string[];
      topic: string;
      /** Consumer group; defaults to `lakeward-<stream name>`. */
      groupId?: string;
    }
  | {
      kind: 'nats';
      servers: string[];
      /** The JetStream stream to read. */
      stream: string;
      /** Optional subject filter inside the stream. */
      subject?: string;
      /** Durable consumer name; defaults to `lakeward-<stream name>`. */
      consumer?: string;
    }
  | {
      kind: 'mqtt';
      /** mqtt://host:port */
      url: string;
      /** Topic filter (wildcards allowed); subscribed with QoS 1 and a persistent session. */
      topic: string;
      /** Client id of the persistent session; defaults to `lakeward-<stream name>`. */
      clientId?: string;
      /** A record field whose value identifies a message; duplicates within the window are dropped. */
      dedupKey?: string;
      /** Default 600 s. */
      dedupWindowSeconds?: number;
    };

export interface BatchLimits {
  /** Default 100,000. */
  maxRecords: number;
  /** Default 64 MiB. */
  maxBytes: number;
  /** Default 1,000 ms: records are queryable within about 2 s. */
  maxIntervalMs: number;
}

/** A declared column; without declared columns the schema is inferred from the first batch. */
export interface DeclaredColumn {
  name: string;
  /** An Iceberg primitive type name: string, long, double, boolean, timestamptz, date, … */
  type: string;
}

export interface StreamDefinition {
  /** Lower-case letters, digits and underscores; unique. */
  name: string;
  /** bronze.<source>.<table>; created on the first commit when missing. */
  table: TableIdent;
  source: StreamSourceConfig;
  format: StreamFormat;
  columns?: DeclaredColumn[];
  batch: BatchLimits;
  drift: DriftPolicy;
  /** Default `<table>__dead_letter` in the same namespace. */
  deadLetterTable: TableIdent;
  /** Records larger than this go to the dead-letter table. Default 1 MiB. */
  maxRecordBytes: number;
  /** Records held in memory between source and commit (their bytes + 256 bytes each). Default 256 MiB. */
  memoryLimitBytes: number;
  /** Disk the write-ahead log (HTTP, MQTT) may use before producers are told to wait. Default 1 GiB. */
  logQuotaBytes: number;
  /** Shown as `_source_system`; defaults to the table's source namespace level. */
  sourceSystem: string;
}

/**
 * Where a stream is in its source, per partition: the LAST position consumed
 * (inclusive) — Kafka: partition ('0', '1', …) → offset; NATS ('nats') → stream
 * sequence; write-ahead log ('wal') → log sequence. Values are decimal strings (64-bit).
 */
export type Positions = Record<string, string>;

/** One message of a source: raw bytes, decoded by the writer (JSON object or NDJSON lines). */
export interface StreamRecord {
  value: Buffer;
  /** Partition id as in Positions; null when the source has none. */
  partition: string | null;
  /** Source position of this record (offset, sequence), decimal. */
  offset: string;
  /** When the source received it (the broker's timestamp when it gives one). */
  receivedAt: Date;
}

/** Records handed to the writer as one commit, and the positions they bring the stream to. */
export interface MicroBatch {
  records: StreamRecord[];
  positions: Positions;
}

/** Records decoded ahead of their commit (while the batch before them is written). */
export interface PreparedRecords {
  readonly records: StreamRecord[];
}

export interface CommitOptions {
  /** What prepare() made of this batch's records, if anything. */
  prepared?: PreparedRecords;
  /** Called once the batch's rows are being written: a good moment to prepare the next. */
  onWriting?: () => void;
}

export interface CommitResult {
  /** Null when nothing was written to the table (e.g. every record dead-lettered). */
  snapshotId: string | null;
  rowsWritten: number;
  deadLettered: number;
  /** e.g. "added column temperature (double)". */
  schemaChanges: string[];
}

/** Snapshot summary keys of a stream commit (also on dead-letter commits). */
export const STREAM_SUMMARY_KEYS = {
  stream: 'lakeward.stream',
  /** The stream's id: a stream deleted and created again under the same name starts fresh. */
  writer: 'lakeward.stream-writer',
  /** JSON of Positions: every partition's last consumed position, cumulative. */
  positions: 'lakeward.stream-positions',
} as const;

/** Columns every streamed bronze row carries (besides the record's own fields). */
export const STREAM_BRONZE_COLUMNS = [
  { name: '_ingested_at', type: 'timestamptz' },
  { name: '_source_system', type: 'string' },
  { name: '_stream', type: 'string' },
  { name: '_partition', type: 'string' },
  { name: '_offset', type: 'long' },
] as const;

/**
 * A source of records. The runner calls `start` with the positions already in the
 * table; the source delivers what comes after them through `deliver`, which resolves
 * when the records are accepted (it waits while the runner's buffer is full: that is
 * the backpressure). After the commit that holds records, the runner calls
 * `acknowledge` with the committed positions. A source reports a connection problem
 * through `onError` and keeps retrying with back-off itself.
 */
export interface StreamSource {
  start(
    from: Positions,
    deliver: (records: StreamRecord[]) => Promise<void>,
    onError: (error: Error) => void,
  ): Promise<void>;
  acknowledge(committed: Positions): Promise<void>;
  close(): Promise<void>;
}

/** What one append to the write-ahead log holds: one HTTP request, or one MQTT message. */
export interface LogEntry {
  /** Serialized records, one JSON object each (no newline inside). */
  records: Buffer[];
  /** An idempotency key: an entry whose key was appended before is not appended again. */
  key?: string;
}

export interface LogAppend {
  /** Log sequences of the entry's first and last record (decimal). */
  firstSequence: string;
  lastSequence: string;
  /** True when the key was seen before: nothing was appended, the sequences are the first append's. */
  duplicate: boolean;
}

/** A record read back from the log. */
export interface LogRecord {
  sequence: string;
  value: Buffer;
  appendedAt: Date;
}

/**
 * The stream's write-ahead log inside the home (one folder per stream). `append`
 * resolves only once the entry is on disk (written and fsynced; appends waiting at the
 * same time share one fsync). It throws `LogFull` (HTTP 429 with Retry-After) when the
 * log would pass its quota. Opening recovers: a torn or corrupt tail (a crash in the
 * middle of an append that was never acknowledged) is cut off.
 */
export interface WriteAheadLog {
  append(entry: LogEntry): Promise<LogAppend>;
  /** Records with sequence > after, oldest first, at most `limit` records or about `maxBytes`. */
  read(after: string, limit: { records: number; maxBytes: number }): Promise<LogRecord[]>;
  /** The newest sequence appended ('0' when empty). */
  lastSequence(): string;
  /** Forgets records up to and including `sequence` (committed to the table); frees their disk. */
  release(sequence: string): Promise<void>;
  /** Bytes on disk now. */
  usedBytes(): number;
  close(): Promise<void>;
}
