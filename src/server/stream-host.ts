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
import type { StreamLeaseHolder, StreamRepository, StreamRow } from '../metastore/index.js';
import { runPeriodically } from './periodic-task.js';
import { removeLeftoverFolders } from './stream-folders.js';
import { HeldLeases } from './held-leases.js';
import {
  homeLogId,
  listeningUrl,
  logPartition,
  newHolderId,
  runElsewhere,
} from './stream-lease.js';

export interface StreamHostOptions {
  /** How often the metastore is read for streams changed by another process (the CLI). */
  pollMs?: number;
  /** How often running streams' status is saved for other processes to show. */
  statusEveryMs?: number;
  /** How long closing waits for buffered records to be committed. */
  stopTimeoutMs?: number;
  /**
   * How long this server's hold on a stream lasts without renewal (renewed every third of
   * it): after a crash, another server takes the stream over within about this. Default 15 s.
   */
  leaseTtlMs?: number;
  /** Where other servers should send pushes for the streams this one runs. Default: where it listens. */
  advertisedUrl?: string;
}

interface Hosted {
  row: StreamRow;
  log?: { log: WriteAheadLog; partition: string };
  opening?: Promise<{ log: WriteAheadLog; partition: string }>;
  runner?: StreamRunner;
  /** Why the last start failed; tried again at the next poll. */
  startError?: { message: string; at: string };
}

export interface StreamHostDeps {
  launcher: StreamLauncher;
  /** The streams' leases (which server runs each) and whether a stream still exists. */
  streams: Pick<
    StreamRepository,
    'getById' | 'acquireLease' | 'renewLease' | 'releaseLease' | 'lease' | 'walHome'
  >;
  home: string;
  log: FastifyInstance['log'];
  stopTimeoutMs: number;
  leaseTtlMs: number;
  /** This server as a lease holder (its url may become known only once it listens). */
  holder: () => StreamLeaseHolder;
}

/** The write-ahead log of HTTP pushes and MQTT messages lives in the home, per stream id. */
export function streamLogDir(home: string, streamId: string): string {
  return join(home, 'streams', streamId, 'log');
}

/**
 * Runs, inside the server, the streams of the metastore this server holds the lease of:
 * one server per stream, however many share the metastore. For each held stream it keeps
 * the write-ahead log (HTTP, MQTT) open and a runner while the stream is `running`;
 * changes made through this server act at once, those of another process within `pollMs`.
 * A lease lost (not renewed in time, or taken by another server) stops the runner at
 * once, without committing or acknowledging what it holds. On close every runner commits
 * what it holds (within `stopTimeoutMs`), the logs close and the leases are released.
 */
export class StreamHost implements StreamControl {
  readonly #hosted = new Map<string, Hosted>();
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  /** Stream ids seen at the last pass; undefined before the first. */
  #known: Set<string> | undefined;
  #homeId: Promise<string> | undefined;

  readonly #leases: HeldLeases;

  constructor(private readonly deps: StreamHostDeps) {
    this.#leases = new HeldLeases({
      streams: deps.streams,
      ttlMs: deps.leaseTtlMs,
      holder: deps.holder,
      log: deps.log,
    });
  }

  /** The stream's log, when this server runs the stream; STREAM_RUN_ELSEWHERE when another does. */
  async logFor(row: StreamRow): Promise<WriteAheadLog> {
    const hosted = this.#entry(row);
    if (!this.#holds(hosted)) {
      const lease = await this.deps.streams.lease(row.id, new Date());
      // A free stream is taken now (a stream just created, or whose server went away).
      if (lease === undefined) await this.reconcile();
      if (!this.#holds(hosted)) {
        const holder = lease ?? (await this.deps.streams.lease(row.id, new Date()));
        throw runElsewhere(row.name, holder, this.deps.leaseTtlMs, Date.now());
      }
    }
    return (await this.#openLog(hosted)).log;
  }

  statusOf(id: string): StreamStatus | undefined {
    const hosted = this.#hosted.get(id);
    if (hosted?.runner !== undefined) return hosted.runner.status();
    if (hosted?.startError === undefined || !this.#holds(hosted)) return undefined;
    return {
      ...idleStatus(hosted.startError.at),
      lastError: hosted.startError.message,
      lastErrorAt: hosted.startError.at,
    };
  }

  changed(): Promise<void> {
    return this.reconcile();
  }

  /** Brings the leases and runners in line with the metastore; one pass at a time. */
  reconcile(): Promise<void> {
    const pass = this.#queue.then(() => this.#reconcile());
    this.#queue = pass.catch(() => undefined);
    return pass;
  }

  /**
   * Extends the leases this server holds. One it no longer holds (another server took it)
   * stops here at once; so does one it could not renew until shortly before it expires.
   */
  async renewLeases(): Promise<void> {
    if (this.#closed) return;
    for (const { streamId, why } of await this.#leases.renew()) {
      const hosted = this.#hosted.get(streamId);
      if (hosted === undefined) this.#leases.forget(streamId);
      else await this.#lose(hosted, why);
    }
  }

  async saveStatuses(): Promise<void> {
    for (const hosted of this.#hosted.values()) {
      if (hosted.runner === undefined) continue;
      await this.deps.launcher
        .saveStatus(hosted.row.id, hosted.runner.status())
        .catch((err: unknown) =>
          this.deps.log.warn({ err, stream: hosted.row.name }, 'could not save stream status'),
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

  #holds(hosted: Hosted): boolean {
    return this.#leases.holds(hosted.row.id);
  }

  async #reconcile(): Promise<void> {
    if (this.#closed) return;
    const rows = await this.deps.launcher.all();
    const ids = new Set(rows.map((row) => row.id));
    let forgotten = this.#known === undefined;
    for (const id of this.#known ?? []) if (!ids.has(id)) forgotten = true;
    this.#known = ids;
    for (const [id, hosted] of this.#hosted) {
      if (!ids.has(id)) {
        await this.#release(hosted, true);
        this.#hosted.delete(id);
      }
    }
    for (const row of rows) {
      const hosted = this.#entry(row);
      hosted.row = row;
      if (!(await this.#lease(hosted))) continue;
      if (row.state !== 'running') {
        await this.#stop(hosted);
        continue;
      }
      if (hosted.runner === undefined) await this.#start(hosted);
    }
    // At start, and once a stream is gone: folders of streams deleted while no server here ran them.
    if (forgotten) await this.#removeLeftovers();
  }

  /** Whether this server holds the stream's lease, taking it when it is free. */
  async #lease(hosted: Hosted): Promise<boolean> {
    if (this.#holds(hosted)) return true;
    if (this.#leases.had(hosted.row.id)) await this.#lose(hosted, 'it expired');
    if (!(await this.#leases.take(hosted.row))) return false;
    this.deps.log.info({ stream: hosted.row.name }, 'this server runs the stream now');
    return true;
  }

  async #start(hosted: Hosted): Promise<void> {
    const { row } = hosted;
    try {
      const kind = definitionOf(row).source.kind;
      const opened = kind === 'http' || kind === 'mqtt' ? await this.#openLog(hosted) : undefined;
      const runner = await this.deps.launcher.launch(row, opened, {
        onFailed: (error) => void this.#failed(hosted, error),
        onMoved: (error) => void this.#moved(hosted, error),
        logger: {
          info: (message) => this.deps.log.info({ stream: row.name }, message),
          warn: (message) => this.deps.log.warn({ stream: row.name }, message),
        },
      });
      if (!this.#holds(hosted)) {
        // The lease went while the runner started: it must not commit anything.
        await runner.stop(this.deps.stopTimeoutMs, { flush: false });
        return;
      }
      hosted.runner = runner;
      delete hosted.startError;
      this.deps.log.info({ stream: row.name }, 'stream started');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // Tried again at every poll: say so once per different reason, not every few seconds.
      if (hosted.startError?.message !== message) {
        this.deps.log.warn({ err, stream: row.name }, 'stream could not start; trying again later');
      }
      hosted.startError = { message, at: new Date().toISOString() };
      if (isRefusal(err)) await this.deps.launcher.fail(row, message);
    }
  }

  /** Opens the stream's log (held streams only), with the position key of this home's log. */
  #openLog(hosted: Hosted): Promise<{ log: WriteAheadLog; partition: string }> {
    if (hosted.log !== undefined) return Promise.resolve(hosted.log);
    const { row } = hosted;
    hosted.opening ??= (async () => {
      this.#homeId ??= homeLogId(this.deps.home);
      const homeId = await this.#homeId;
      const partition = logPartition(homeId, await this.deps.streams.walHome(row.id, homeId));
      const log = await openWriteAheadLog(streamLogDir(this.deps.home, row.id), {
        quotaBytes: definitionOf(row).logQuotaBytes,
      });
      return { log, partition };
    })().then(
      (opened) => {
        hosted.log = opened;
        return opened;
      },
      (err: unknown) => {
        hosted.opening = undefined;
        throw err;
      },
    );
    return hosted.opening;
  }

  async #failed(hosted: Hosted, error: Error): Promise<void> {
    this.deps.log.error({ err: error, stream: hosted.row.name }, 'stream failed');
    await this.deps.launcher
      .fail(hosted.row, error.message)
      .catch((err: unknown) => this.deps.log.error({ err }, 'could not record a stream failure'));
    await this.#stop(hosted);
  }

  /** Another writer committed the stream: this runner's records are stale; start again from the table. */
  async #moved(hosted: Hosted, error: Error): Promise<void> {
    this.deps.log.warn(
      { err: error, stream: hosted.row.name },
      'another writer committed this stream; starting it again from the positions in the table',
    );
    const { runner } = hosted;
    delete hosted.runner;
    await runner?.stop(this.deps.stopTimeoutMs, { flush: false });
    if (!this.#closed) await this.reconcile().catch(() => undefined);
  }

  async #stop(hosted: Hosted): Promise<void> {
    const { runner } = hosted;
    if (runner === undefined) return;
    delete hosted.runner;
    await runner.stop(this.deps.stopTimeoutMs);
    await this.deps.launcher.saveStatus(hosted.row.id, runner.status()).catch(() => undefined);
    this.deps.log.info({ stream: hosted.row.name }, 'stream stopped');
  }

  /** The lease is gone: stop at once, nothing more is committed or acknowledged here; close the log. */
  async #lose(hosted: Hosted, why: string): Promise<void> {
    this.#leases.forget(hosted.row.id);
    const { runner } = hosted;
    delete hosted.runner;
    const opened = hosted.log ?? (await hosted.opening?.catch(() => undefined));
    delete hosted.log;
    delete hosted.opening;
    this.deps.log.warn({ stream: hosted.row.name }, `stream lease lost (${why}): stopped here`);
    await runner?.stop(this.deps.stopTimeoutMs, { flush: false });
    await opened?.log.close();
  }

  /** Stops the stream and closes its log, then lets another server take it; a deleted stream's folder goes. */
  async #release(hosted: Hosted, deleted: boolean): Promise<void> {
    await this.#stop(hosted);
    const opened = hosted.log ?? (await hosted.opening?.catch(() => undefined));
    await opened?.log.close();
    if (deleted) {
      this.#leases.forget(hosted.row.id);
      await rm(join(this.deps.home, 'streams', hosted.row.id), { recursive: true, force: true });
    } else {
      await this.#leases.release(hosted.row.id);
    }
  }

  async #removeLeftovers(): Promise<void> {
    const removed = await removeLeftoverFolders(
      this.deps.home,
      async (id) => this.#hosted.has(id) || (await this.deps.streams.getById(id)) !== undefined,
    ).catch((err: unknown) => {
      this.deps.log.warn({ err }, 'could not remove the folders of deleted streams');
      return [];
    });
    for (const id of removed) {
      this.deps.log.info({ streamId: id }, 'removed the folder of a deleted stream');
    }
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

/**
 * Its creator may no longer write into the table, or lakeward.yaml no longer allows its
 * broker: the stream fails until resumed.
 */
function isRefusal(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return (
    code === 'PERMISSION_DENIED' ||
    code === 'STREAM_OWNER_NOT_FOUND' ||
    code === 'STREAM_SOURCE_NOT_ALLOWED'
  );
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
 * Hosts the streams of the metastore in this server (only when serving: tests of other
 * routes do not pay for it): those whose lease it holds. Pushes through the API reach the
 * logs this host opens.
 */
export function hostStreams(
  app: FastifyInstance,
  services: {
    streams: Streams;
    config: { home: string };
    metastore: { streams: StreamHostDeps['streams'] };
  },
  options: StreamHostOptions = {},
): StreamHost {
  const id = newHolderId();
  const leaseTtlMs = options.leaseTtlMs ?? 15_000;
  const host = new StreamHost({
    launcher: services.streams.launcher,
    streams: services.metastore.streams,
    home: services.config.home,
    log: app.log,
    stopTimeoutMs: options.stopTimeoutMs ?? 10_000,
    leaseTtlMs,
    holder: () => ({ id, url: options.advertisedUrl ?? listeningUrl(app) }),
  });
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
    everyMs: Math.max(100, Math.floor(leaseTtlMs / 3)),
    tick: () => host.renewLeases(),
  });
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
