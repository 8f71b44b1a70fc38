import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openWriteAheadLog } from '../ingest/index.js';
import type {
  StreamControl,
  StreamLauncher,
  StreamRunner,
  StreamStatus,
  Streams,
  WriteAheadLog,
} from '../ingest/index.js';
import { definitionOf } from '../ingest/index.js';
import type { StreamRow } from '../metastore/index.js';
import { runPeriodically } from './periodic-task.js';

export interface StreamHostOptions {
  /** How often the metastore is read for streams changed by another process (the CLI). */
  pollMs?: number;
  /** How often running streams' status is saved for other processes to show. */
  statusEveryMs?: number;
  /** How long closing waits for buffered records to be committed. */
  stopTimeoutMs?: number;
}

interface Hosted {
  row: StreamRow;
  log?: WriteAheadLog;
  opening?: Promise<WriteAheadLog>;
  runner?: StreamRunner;
  /** Why the last start failed; tried again at the next poll. */
  startError?: { message: string; at: string };
}

/** The write-ahead log of HTTP pushes and MQTT messages lives in the home, per stream id. */
export function streamLogDir(home: string, streamId: string): string {
  return join(home, 'streams', streamId, 'log');
}

/**
 * Runs the streams of the home inside the server: one runner per `running` stream, the
 * write-ahead log of each HTTP or MQTT stream (open while the stream exists, so pushes to
 * a paused stream are still taken while its quota lasts), changes made through this
 * server at once and those made by another process within `pollMs`. On close every runner
 * commits what it holds (within `stopTimeoutMs`) and the logs are closed.
 */
export class StreamHost implements StreamControl {
  readonly #hosted = new Map<string, Hosted>();
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly streams: StreamLauncher,
    private readonly home: string,
    private readonly log: FastifyInstance['log'],
    private readonly stopTimeoutMs: number,
  ) {}

  async logFor(row: StreamRow): Promise<WriteAheadLog> {
    const hosted = this.#entry(row);
    if (hosted.log !== undefined) return hosted.log;
    hosted.opening ??= openWriteAheadLog(streamLogDir(this.home, row.id), {
      quotaBytes: definitionOf(row).logQuotaBytes,
    }).then(
      (log) => {
        hosted.log = log;
        return log;
      },
      (err: unknown) => {
        hosted.opening = undefined;
        throw err;
      },
    );
    return hosted.opening;
  }

  statusOf(id: string): StreamStatus | undefined {
    const hosted = this.#hosted.get(id);
    if (hosted?.runner !== undefined) return hosted.runner.status();
    if (hosted?.startError === undefined) return undefined;
    return {
      ...idleStatus(hosted.startError.at),
      lastError: hosted.startError.message,
      lastErrorAt: hosted.startError.at,
    };
  }

  changed(): Promise<void> {
    return this.reconcile();
  }

  /** Brings the runners in line with the metastore; one pass at a time. */
  reconcile(): Promise<void> {
    const pass = this.#queue.then(() => this.#reconcile());
    this.#queue = pass.catch(() => undefined);
    return pass;
  }

  async saveStatuses(): Promise<void> {
    for (const hosted of this.#hosted.values()) {
      if (hosted.runner === undefined) continue;
      await this.streams
        .saveStatus(hosted.row.id, hosted.runner.status())
        .catch((err: unknown) =>
          this.log.warn({ err, stream: hosted.row.name }, 'could not save stream status'),
        );
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    await this.saveStatuses();
    await Promise.all([...this.#hosted.values()].map((hosted) => this.#release(hosted, false)));
    this.#hosted.clear();
  }

  async #reconcile(): Promise<void> {
    if (this.#closed) return;
    const rows = await this.streams.all();
    const ids = new Set(rows.map((row) => row.id));
    for (const [id, hosted] of this.#hosted) {
      if (!ids.has(id)) {
        await this.#release(hosted, true);
        this.#hosted.delete(id);
      }
    }
    for (const row of rows) {
      const hosted = this.#entry(row);
      hosted.row = row;
      if (row.state !== 'running') {
        await this.#stop(hosted);
        continue;
      }
      if (hosted.runner === undefined) await this.#start(hosted);
    }
  }

  async #start(hosted: Hosted): Promise<void> {
    const { row } = hosted;
    try {
      const kind = definitionOf(row).source.kind;
      const log = kind === 'http' || kind === 'mqtt' ? await this.logFor(row) : undefined;
      hosted.runner = await this.streams.launch(row, log, {
        onFailed: (error) => void this.#failed(hosted, error),
        logger: {
          info: (message) => this.log.info({ stream: row.name }, message),
          warn: (message) => this.log.warn({ stream: row.name }, message),
        },
      });
      delete hosted.startError;
      this.log.info({ stream: row.name }, 'stream started');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // Tried again at every poll: say so once per different reason, not every few seconds.
      if (hosted.startError?.message !== message) {
        this.log.warn({ err, stream: row.name }, 'stream could not start; trying again later');
      }
      hosted.startError = { message, at: new Date().toISOString() };
      if (isRefusal(err)) await this.streams.fail(row, message);
    }
  }

  async #failed(hosted: Hosted, error: Error): Promise<void> {
    this.log.error({ err: error, stream: hosted.row.name }, 'stream failed');
    await this.streams
      .fail(hosted.row, error.message)
      .catch((err: unknown) => this.log.error({ err }, 'could not record a stream failure'));
    await this.#stop(hosted);
  }

  async #stop(hosted: Hosted): Promise<void> {
    const { runner } = hosted;
    if (runner === undefined) return;
    delete hosted.runner;
    await runner.stop(this.stopTimeoutMs);
    await this.streams.saveStatus(hosted.row.id, runner.status()).catch(() => undefined);
    this.log.info({ stream: hosted.row.name }, 'stream stopped');
  }

  /** Stops the stream and closes its log; a deleted stream's log folder goes too. */
  async #release(hosted: Hosted, deleted: boolean): Promise<void> {
    await this.#stop(hosted);
    const log = hosted.log ?? (await hosted.opening?.catch(() => undefined));
    await log?.close();
    if (deleted)
      await rm(join(this.home, 'streams', hosted.row.id), { recursive: true, force: true });
  }

  #entry(row: StreamRow): Hosted {
    let hosted = this.#hosted.get(row.id);
    if (hosted === undefined) {
      hosted = { row };
      this.#hosted.set(row.id, hosted);
    }
    return hosted;
  }
}

/** Its creator may no longer write into the table: the stream fails until resumed. */
function isRefusal(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'PERMISSION_DENIED' || code === 'STREAM_OWNER_NOT_FOUND';
}

function idleStatus(at: string): StreamStatus {
  return {
    state: 'starting',
    lag: 0,
    bufferedRecords: 0,
    bufferedBytes: 0,
    recordsPerSecond: 0,
    bytesPerSecond: 0,
    committedRecords: 0,
    deadLettered: 0,
    lastCommitAt: null,
    lastSnapshotId: null,
    lastError: null,
    lastErrorAt: null,
    retrying: false,
    positions: {},
    at,
  };
}

/**
 * Hosts the home's streams in this server (only when serving: tests of other routes do
 * not pay for it). Pushes through the API reach the logs this host opens.
 */
export function hostStreams(
  app: FastifyInstance,
  services: { streams: Streams; config: { home: string } },
  options: StreamHostOptions = {},
): StreamHost {
  const host = new StreamHost(
    services.streams.launcher,
    services.config.home,
    app.log,
    options.stopTimeoutMs ?? 10_000,
  );
  services.streams.attach(host);
  const reconcile = async (): Promise<void> => {
    await host
      .reconcile()
      .catch((err: unknown) =>
        app.log.error({ err }, 'could not look for stream changes; trying again later'),
      );
  };
  runPeriodically(app, { everyMs: options.pollMs ?? 2_000, tick: reconcile });
  runPeriodically(app, {
    everyMs: options.statusEveryMs ?? 1_000,
    tick: () => host.saveStatuses(),
    drain: async () => {
      await host.close();
      services.streams.attach(undefined);
    },
  });
  return host;
}
