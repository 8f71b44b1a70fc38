import { formatTableName, tableSecurable } from '../../catalog/index.js';
import type { AccessCheck } from '../../catalog/index.js';
import { InvalidInput, Unavailable } from '../../errors/index.js';
import type { Caller } from '../../governance/index.js';
import type { StreamRow } from '../../metastore/index.js';
import type { StreamDefinition, StreamState, WriteAheadLog } from './contract.js';
import { pushedRecords } from './pushed-records.js';
import type { PushContentType } from './pushed-records.js';
import { maySee, requireManage, requireWrite, streamNotFound } from './stream-access.js';
import { streamDefinition } from './stream-request.js';
import type { StreamRequest } from './stream-request.js';
import { definitionOf } from './stream-definition.js';
import { StreamLauncher } from './stream-launcher.js';
import type { StreamLauncherDeps } from './stream-launcher.js';
import type { StreamStatus } from './stream-status.js';

export type StreamsDeps = StreamLauncherDeps;

/** What the server that runs streams offers the service (see src/server/stream-host.ts). */
export interface StreamControl {
  /** The stream's open write-ahead log, opened now when it is not yet. */
  logFor(row: StreamRow): Promise<WriteAheadLog>;
  /** The live status of a stream this process runs. */
  statusOf(id: string): StreamStatus | undefined;
  /** A stream was created, paused, resumed or deleted here: start or stop it now. */
  changed(name: string): Promise<void>;
}

/** A stream as users see it: the definition with table names as text, and its status. */
export interface StreamView {
  id: string;
  name: string;
  table: string;
  deadLetterTable: string;
  state: StreamState;
  /** Why a failed stream stopped. */
  error: string | null;
  runAs: string;
  definition: StreamDefinition;
  createdAt: string;
  updatedAt: string;
  /** The last status its runner reported; null before it first ran. */
  status: StreamStatus | null;
  /** The server that runs the stream now (holds its lease); null when none does. */
  holder: StreamHolderView | null;
}

export interface StreamHolderView {
  /** The server process's id (host name, process id, random part). */
  id: string;
  /** Where it takes requests (pushes for the stream go there), when it said. */
  url: string | null;
  since: string;
  expiresAt: string;
}

export interface PushResult {
  accepted: number;
  /** Log sequences of the first and last record; null when the body held no record. */
  firstOffset: string | null;
  lastOffset: string | null;
  /** The idempotency key was seen before: nothing was appended again. */
  duplicate: boolean;
}

/**
 * Streams into bronze (issue 6): definitions, their state, and HTTP pushes. The streams
 * themselves run in the server (StreamRunner under the stream host); a definition made
 * here without a server is picked up by the server when it next looks.
 */
export class Streams {
  #control: StreamControl | undefined;
  /** What the server uses to run the streams. */
  readonly launcher: StreamLauncher;

  constructor(private readonly deps: StreamsDeps) {
    this.launcher = new StreamLauncher(deps);
  }

  /** The server hosting the streams of this process; without one, pushes are refused. */
  attach(control: StreamControl | undefined): void {
    this.#control = control;
  }

  get served(): boolean {
    return this.#control !== undefined;
  }

  async create(caller: Caller, request: StreamRequest): Promise<StreamView> {
    const created = await this.deps.gate.run(
      caller,
      'stream.create',
      resource(request.name),
      async (check) => {
        const definition = streamDefinition(request);
        await requireWrite(this.deps.catalog, check, definition.table);
        if (await this.deps.catalog.tableExists(definition.deadLetterTable)) {
          await check.require('INSERT', tableSecurable(definition.deadLetterTable));
        }
        this.launcher.sources.require(definition, check, 'request');
        return this.deps.metastore.streams.create({
          name: definition.name,
          definition: definition as unknown as Record<string, unknown>,
          state: 'running',
          runAs: caller.principal.name,
        });
      },
    );
    await this.#changed(created);
    return this.#view(created);
  }

  async list(caller: Caller): Promise<StreamView[]> {
    return this.deps.gate.run(caller, 'stream.list', undefined, async () => {
      const visible: StreamView[] = [];
      for (const row of await this.deps.metastore.streams.list()) {
        if (await maySee(this.deps.gate.authorizer, caller, row, definitionOf(row).table)) {
          visible.push(await this.#view(row));
        }
      }
      return visible;
    });
  }

  async get(caller: Caller, name: string): Promise<StreamView> {
    return this.deps.gate.run(caller, 'stream.describe', resource(name), async (check) => {
      const row = await this.#visible(caller, name, check.refuse);
      return this.#view(row);
    });
  }

  /** State and the last status its runner reported (live when this process runs it). */
  async status(
    caller: Caller,
    name: string,
  ): Promise<Pick<StreamView, 'name' | 'state' | 'error' | 'status' | 'holder'>> {
    const { state, error, status, holder } = await this.get(caller, name);
    return { name, state, error, status, holder };
  }

  async pause(caller: Caller, name: string): Promise<StreamView> {
    return this.#setState(caller, name, 'paused');
  }

  /** Also restarts a failed stream (after its table or policy was fixed). */
  async resume(caller: Caller, name: string): Promise<StreamView> {
    return this.#setState(caller, name, 'running');
  }

  /** Stops the stream and forgets it; its table and dead-letter table stay. */
  async delete(caller: Caller, name: string): Promise<void> {
    await this.#manage(caller, 'stream.delete', name, async (found) => {
      await this.deps.metastore.streams.delete(name);
      return found;
    });
  }

  /**
   * Appends a pushed body to the stream's write-ahead log as one entry (so a retried
   * request with the same idempotency key is written once) and answers once it is on disk.
   */
  async push(
    caller: Caller,
    name: string,
    body: Buffer,
    contentType: PushContentType,
    idempotencyKey?: string,
  ): Promise<PushResult> {
    return this.deps.gate.run(
      caller,
      'stream.push',
      resource(name),
      async (check) => {
        const row = await this.#visible(caller, name, check.refuse);
        const definition = definitionOf(row);
        if (definition.source.kind !== 'http') {
          throw new InvalidInput(
            'STREAM_NOT_HTTP',
            `Stream "${name}" reads from ${definition.source.kind}; records cannot be pushed to it.`,
            { hint: 'Push to a stream created with --source http, or publish to its broker.' },
          );
        }
        await requireWrite(this.deps.catalog, check, definition.table);
        const control = this.#control;
        if (control === undefined) {
          throw new Unavailable(
            'STREAM_NOT_SERVED',
            `Stream "${name}" runs in the Lakeward server, not here.`,
            {
              hint: 'Send records to the server: POST /api/v1/streams/NAME/records.',
            },
          );
        }
        const records = pushedRecords(body, contentType);
        if (records.length === 0) {
          return { accepted: 0, firstOffset: null, lastOffset: null, duplicate: false };
        }
        const log = await control.logFor(row);
        const appended = await log.append({
          records,
          ...(idempotencyKey === undefined ? {} : { key: idempotencyKey }),
        });
        return {
          accepted: records.length,
          firstOffset: appended.firstSequence,
          lastOffset: appended.lastSequence,
          duplicate: appended.duplicate,
        };
      },
      // Counts and positions only: records are never written to the audit log.
      (result) => ({
        reason: `${result.accepted} records${result.duplicate ? ' (duplicate request)' : ''} up to log sequence ${result.lastOffset ?? '-'}`,
      }),
    );
  }

  async #setState(caller: Caller, name: string, state: 'running' | 'paused'): Promise<StreamView> {
    const action = state === 'running' ? 'stream.resume' : 'stream.pause';
    const row = await this.#manage(caller, action, name, (found, check) => {
      // lakeward.yaml may no longer allow its broker: refuse here rather than fail at start.
      if (state === 'running') this.launcher.sources.require(definitionOf(found), check, 'request');
      return this.deps.metastore.streams.setState(name, state, null);
    });
    return this.#view(row);
  }

  /** A change of an existing stream by one who may manage it, audited as `action`. */
  async #manage(
    caller: Caller,
    action: string,
    name: string,
    act: (found: StreamRow, check: AccessCheck) => Promise<StreamRow>,
  ): Promise<StreamRow> {
    const row = await this.deps.gate.run(caller, action, resource(name), async (check) => {
      const found = await this.#row(name);
      await requireManage(
        this.deps.gate.authorizer,
        check,
        caller,
        found,
        definitionOf(found).table,
      );
      return act(found, check);
    });
    await this.#changed(row);
    return row;
  }

  async #row(name: string): Promise<StreamRow> {
    const row = await this.deps.metastore.streams.get(name);
    if (row === undefined) throw streamNotFound(name);
    return row;
  }

  async #visible(caller: Caller, name: string, refuse: <E>(err: E) => E): Promise<StreamRow> {
    const row = await this.#row(name);
    if (!(await maySee(this.deps.gate.authorizer, caller, row, definitionOf(row).table))) {
      throw refuse(streamNotFound(name));
    }
    return row;
  }

  async #changed(row: StreamRow): Promise<void> {
    // The change is stored; a host that fails to act on it now does at its next look.
    await this.#control?.changed(row.name).catch(() => undefined);
  }

  async #view(row: StreamRow): Promise<StreamView> {
    const definition = definitionOf(row);
    const live = this.#control?.statusOf(row.id);
    const saved = live ?? (await this.deps.metastore.streams.status(row.id))?.status;
    const lease = await this.deps.metastore.streams.lease(row.id, new Date());
    return {
      id: row.id,
      name: row.name,
      table: formatTableName(definition.table),
      deadLetterTable: formatTableName(definition.deadLetterTable),
      state: row.state,
      error: row.error,
      runAs: row.runAs,
      definition,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      // A runner's last word before a pause or failure said `running`; the stored state rules.
      status:
        saved === undefined
          ? null
          : {
              ...(saved as unknown as StreamStatus),
              ...(row.state === 'running' ? {} : { state: row.state }),
            },
      holder:
        lease === undefined
          ? null
          : {
              ...lease.holder,
              since: lease.since.toISOString(),
              expiresAt: lease.expiresAt.toISOString(),
            },
    };
  }
}

function resource(name: string): string {
  return `stream:${name}`;
}
