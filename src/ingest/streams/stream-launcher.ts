import { tableSecurable } from '../../catalog/index.js';
import type {
  AccessGate,
  CatalogChanges,
  CatalogService,
  TableIdent,
} from '../../catalog/index.js';
import { NotFound } from '../../errors/index.js';
import type { Caller, Principal } from '../../governance/index.js';
import type { Metastore, StreamRow } from '../../metastore/index.js';
import type { StreamSource, WriteAheadLog } from './contract.js';
import { requireWrite } from './stream-access.js';
import { fencedCommitter } from './fenced-committer.js';
import type { SourceLogger } from './sources/source-logger.js';
import { SourceAllowList } from './source-allow-list.js';
import type { StreamParts } from './stream-parts.js';
import { StreamRunner } from './stream-runner.js';
import type { StreamStatus } from './stream-status.js';
import { definitionOf } from './stream-definition.js';

export interface StreamLauncherDeps {
  metastore: Pick<Metastore, 'streams' | 'principals'>;
  catalog: Pick<CatalogService, 'tableExists' | 'describeNamespace'>;
  gate: AccessGate;
  changes?: Pick<CatalogChanges, 'publish'>;
  /** Makes the writer and source of a stream when it starts. */
  parts: StreamParts;
  /** `streams.allowedSources` of lakeward.yaml: the brokers streams may connect to. */
  allowedSources: readonly string[];
}

/**
 * The side of the streams the server uses to run them: which exist, starting one as its
 * creator (checked and audited each time), recording a failure and the status.
 */
export class StreamLauncher {
  /** The brokers streams may connect to; checked at create, resume and every start. */
  readonly sources: SourceAllowList;

  constructor(private readonly deps: StreamLauncherDeps) {
    this.sources = new SourceAllowList(deps.allowedSources);
  }

  /** Every stream, ungoverned: for the server that runs them. */
  async all(): Promise<StreamRow[]> {
    return this.deps.metastore.streams.list();
  }

  /**
   * The stream's creator, as it runs, after checking that it may still write into the
   * table (a revoked grant stops the stream at its next start or resume) and that its
   * brokers are still allowed (lakeward.yaml may have changed since). Audited.
   */
  async runAs(row: StreamRow): Promise<Caller> {
    const record = await this.deps.metastore.principals.getByName(row.runAs);
    const principal: Principal | undefined =
      record === undefined
        ? undefined
        : {
            id: record.id,
            name: record.name,
            kind: record.kind,
            isAdmin: record.isAdmin,
            authMethod: 'local',
          };
    const caller: Caller = {
      principal: principal ?? {
        id: '',
        name: row.runAs,
        kind: 'user',
        isAdmin: false,
        authMethod: 'local',
      },
      context: { channel: 'internal' },
    };
    await this.deps.gate.run(caller, 'stream.start', resource(row.name), async (check) => {
      if (principal === undefined) {
        throw new NotFound(
          'STREAM_OWNER_NOT_FOUND',
          `Stream "${row.name}" runs as ${row.runAs}, who no longer exists.`,
          {
            hint: 'Delete the stream and create it again as a principal who exists; it runs as its creator.',
          },
        );
      }
      await requireWrite(this.deps.catalog, check, definitionOf(row).table);
      this.sources.require(definitionOf(row), check, 'start');
    });
    return caller;
  }

  /**
   * A runner for the stream, started: its creator's right to write is checked first, then
   * the source starts after the positions already in the table. `opened`: HTTP and MQTT
   * streams, with the position key of its records. `onMoved`: another writer committed
   * the stream (fencing); this runner's records are stale and it must be started again.
   */
  async launch(
    row: StreamRow,
    opened: { log: WriteAheadLog; partition: string } | undefined,
    events: {
      onFailed(error: Error): void;
      onMoved?(error: Error): void;
      logger?: SourceLogger;
    },
  ): Promise<StreamRunner> {
    const runAs = await this.runAs(row);
    const definition = definitionOf(row);
    const { parts } = this.deps;
    const writer = fencedCommitter(
      parts.openWriter({ id: row.id, definition, owner: runAs.principal.name }),
      (error) => events.onMoved?.(error),
    );
    let source: StreamSource | undefined;
    try {
      source = parts.openSource(definition, {
        ...(opened === undefined ? {} : { log: opened.log, logPartition: opened.partition }),
        streamId: row.id,
        ...(events.logger === undefined ? {} : { logger: events.logger }),
      });
      let first = true;
      const runner = new StreamRunner({
        definition,
        writer,
        source,
        ...(opened === undefined ? {} : { log: opened.log, logPartition: opened.partition }),
        onFailed: (error) => events.onFailed(error),
        onCommitted: (result) => {
          // The first commit may have created the table, a later one added a column: search should know.
          if (!first && result.schemaChanges.length === 0) return;
          first = false;
          void this.tableChanged(definition.table).catch(() => undefined);
        },
      });
      await runner.start();
      return runner;
    } catch (err) {
      await source?.close().catch(() => undefined);
      await writer.close();
      throw err;
    }
  }

  /** A runner stopped the stream (schema drift under `fail`, or its creator lost INSERT). */
  async fail(row: StreamRow, error: string): Promise<void> {
    await this.deps.metastore.streams.setState(row.name, 'failed', error).catch((err: unknown) => {
      if (!(err instanceof NotFound)) throw err;
    });
  }

  async saveStatus(id: string, status: StreamStatus): Promise<void> {
    await this.deps.metastore.streams.saveStatus(
      id,
      status as unknown as Record<string, unknown>,
      new Date(status.at),
    );
  }

  /** Tells search the stream's table changed (created by the first commit, or a new column). */
  async tableChanged(table: TableIdent): Promise<void> {
    await this.deps.changes?.publish({ kind: 'table', path: tableSecurable(table).path });
  }
}

function resource(name: string): string {
  return `stream:${name}`;
}
