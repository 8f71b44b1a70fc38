import { mkdir } from 'node:fs/promises';
import type { CatalogService } from '../../../catalog/index.js';
import type { LakewardConfig } from '../../../config/index.js';
import { quoteLiteral, type Session, type SessionOptions } from '../../../engine/index.js';
import { InternalError } from '../../../errors/index.js';
import {
  typeToString,
  type IcebergTable,
  type IcebergType,
  type SchemaChange,
} from '../../../iceberg/index.js';
import { evolveBronzeTable, openTable } from '../../bronze-table.js';
import { tableName } from '../../ingest-job.js';
import type {
  CommitOptions,
  CommitResult,
  MicroBatch,
  Positions,
  PreparedRecords,
  StreamDefinition,
  StreamRecord,
} from '../contract.js';
import type { DeadLetter } from './record-decoding.js';
import { writeRowFiles } from './row-files.js';
import { decodeBatch, PreparedBatch, type Columns } from './prepared-batch.js';
import type { FittedRows } from './schema-fit.js';
import {
  isCovered,
  mergePositions,
  positionKey,
  positionsAdvance,
  positionsInTable,
  positionsStill,
  streamSummary,
  type StreamIdentity,
} from './stream-positions.js';
import {
  adoptTable,
  createStreamTable,
  dataColumns,
  openDeadLetterTable,
} from './stream-tables.js';

export interface StreamWriterDeps {
  catalog: CatalogService;
  openSession: (options: SessionOptions) => Promise<Session>;
  config: LakewardConfig;
  /** Local scratch space: batches are staged here as NDJSON and Parquet before the commit. */
  tempDir: string;
}

export interface StreamIdentityInput {
  /** The stream's id (the writer id in snapshot summaries). */
  id: string;
  definition: StreamDefinition;
  /** Shown as the owner of tables the stream creates. */
  owner?: string;
}

const DECIMAL = /^-?\d+$/;

/**
 * Commits micro-batches of one stream to its bronze table, exactly once: each commit
 * carries the stream's cumulative positions in its snapshot summary, and records
 * set aside go to the dead-letter table in a commit made before the main one.
 * Authorization is the caller's: this is the internal write path of a stream.
 */
export class StreamWriter {
  private readonly stream: StreamIdentity;
  private readonly definition: StreamDefinition;
  private readonly owner: string | undefined;
  private readonly declared: { name: string; type: IcebergType }[] | undefined;
  private positions: Positions | undefined;
  private session: Promise<Session> | undefined;
  /** The main table has the stream's columns and properties (checked once per writer). */
  private adopted = false;
  /** The table's data columns at the last commit (undefined before the first). */
  private seen: { columns: Columns | undefined } | undefined;

  constructor(
    private readonly deps: StreamWriterDeps,
    stream: StreamIdentityInput,
  ) {
    this.definition = stream.definition;
    this.stream = { name: stream.definition.name, id: stream.id };
    this.owner = stream.owner;
    // Declared types are checked when the table is created (STREAM_COLUMN_TYPE).
    this.declared = stream.definition.columns?.map((c) => ({
      name: c.name,
      type: c.type as IcebergType,
    }));
  }

  /** The positions of the stream's last commit to its table; `{}` before the first. */
  async committedPositions(): Promise<Positions> {
    if (this.positions === undefined) {
      const table = await openTable(this.deps.catalog, this.definition.table);
      this.positions = positionsInTable(table, this.stream);
    }
    return { ...this.positions };
  }

  /**
   * Decodes records ahead of their commit against the columns of the last commit, or
   * nothing before the writer has seen its table.
   */
  prepare(records: StreamRecord[]): PreparedRecords | undefined {
    if (this.seen === undefined) return undefined;
    return new PreparedBatch(records, this.seen.columns, this.definition);
  }

  async commit(batch: MicroBatch, options: CommitOptions = {}): Promise<CommitResult> {
    try {
      return await this.commitBatch(batch, options);
    } catch (err) {
      // A lost race or a failure after the swap leaves the committed positions unknown here.
      this.positions = undefined;
      throw err;
    }
  }

  /** Releases the DuckDB session kept between commits. */
  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session !== undefined) (await session).close();
  }

  private async commitBatch(batch: MicroBatch, options: CommitOptions): Promise<CommitResult> {
    for (const record of batch.records) {
      if (!DECIMAL.test(record.offset)) {
        throw new InternalError(
          `Stream ${this.stream.name} got a record at position "${record.offset}", which is not a number.`,
        );
      }
    }
    const previous = await this.committedPositions();
    const positions = mergePositions(previous, batch.positions);
    const ingestedAt = new Date();
    const { catalog } = this.deps;
    const { definition } = this;
    let table = await openTable(catalog, definition.table);
    if (table !== undefined && !this.adopted) table = await adoptTable(catalog, definition, table);
    this.adopted ||= table !== undefined;

    const columns = table === undefined ? this.declared : dataColumns(table.schema());
    this.seen = { columns };
    const { prepared } = options;
    const ahead =
      prepared instanceof PreparedBatch && prepared.records === batch.records
        ? prepared.fitting(columns)
        : undefined;
    const { fitted, dead } = ahead ?? decodeBatch(batch.records, definition, columns);
    const deadLettered = await this.writeDeadLetters(dead, batch.positions, positions, ingestedAt);

    const schemaChanges: string[] = [];
    table = await this.prepareTable(table, fitted, schemaChanges);
    if (
      table === undefined ||
      (fitted.rows.count === 0 && !positionsAdvance(previous, positions))
    ) {
      return { snapshotId: null, rowsWritten: 0, deadLettered, schemaChanges };
    }
    this.seen = { columns: dataColumns(table.schema()) };
    const files = await writeRowFiles(await this.openSession(), table, fitted.rows.toBuffer(), {
      ...this.fileOptions(this.definition.maxRecordBytes * 2),
      onWriting: options.onWriting,
      constants: {
        _ingested_at: quoteLiteral(ingestedAt.toISOString()),
        _source_system: quoteLiteral(definition.sourceSystem),
        _stream: quoteLiteral(definition.name),
      },
    });
    // A batch without rows still commits (a snapshot without files) so its positions are kept.
    const committed = await table.append(files, {
      summary: streamSummary(this.stream, positions),
      requires: positionsStill(this.stream, previous),
    });
    this.positions = positions;
    return {
      snapshotId: fitted.rows.count === 0 ? null : snapshotIdOf(committed),
      rowsWritten: fitted.rows.count,
      deadLettered,
      schemaChanges,
    };
  }

  /**
   * Creates the table on the first batch with rows, or applies the batch's added and
   * widened columns before its append. Returns undefined when there is still no table.
   */
  private async prepareTable(
    table: IcebergTable | undefined,
    fitted: FittedRows,
    described: string[],
  ): Promise<IcebergTable | undefined> {
    const { catalog } = this.deps;
    const { definition } = this;
    if (table === undefined) {
      const columns = [...(this.declared ?? []), ...fitted.added];
      if (columns.length === 0) return undefined;
      const created = await createStreamTable(catalog, definition, columns, this.owner);
      this.adopted = true;
      described.push(`created table ${tableName(definition.table)} with ${columns.length} columns`);
      return created;
    }
    const changes: SchemaChange[] = [
      ...fitted.added.map((c) => ({ kind: 'add' as const, name: c.name, type: c.type })),
      ...fitted.widened.map((c) => ({ kind: 'widen' as const, name: c.name, type: c.type })),
    ];
    for (const c of fitted.added)
      described.push(`added column ${c.name} (${typeToString(c.type)})`);
    for (const c of fitted.widened)
      described.push(`widened column ${c.name} to ${typeToString(c.type)}`);
    return changes.length === 0 ? table : evolveBronzeTable(catalog, definition.table, changes);
  }

  /**
   * Commits the batch's dead letters before the main commit. After a crash between
   * the two, the batch comes again: letters at positions the dead-letter table already
   * holds for this stream are left out, so neither table holds a record twice.
   */
  private async writeDeadLetters(
    dead: DeadLetter[],
    batchPositions: Positions,
    positions: Positions,
    ingestedAt: Date,
  ): Promise<number> {
    if (dead.length === 0) return 0;
    const { catalog } = this.deps;
    const table = await openDeadLetterTable(catalog, this.definition, this.owner);
    const held = positionsInTable(table, this.stream);
    const fresh = dead.filter(
      (d) => !isCovered(held, positionKey(d.record, batchPositions), d.record.offset),
    );
    if (fresh.length > 0) {
      const lines = fresh.map(
        (d) =>
          `{"_partition":${JSON.stringify(d.record.partition)},"_offset":${d.record.offset},` +
          `"_received_at":${JSON.stringify(d.record.receivedAt.toISOString())},` +
          `"reason":${JSON.stringify(d.reason)},"raw":"${d.raw.toString('base64')}"}`,
      );
      const longest = lines.reduce((max, line) => Math.max(max, line.length), 0);
      const ndjson = Buffer.from(lines.join('\n'));
      const files = await writeRowFiles(await this.openSession(), table, ndjson, {
        ...this.fileOptions(longest * 3),
        constants: {
          _stream: quoteLiteral(this.definition.name),
          _ingested_at: quoteLiteral(ingestedAt.toISOString()),
        },
        converted: { raw: { readAs: 'VARCHAR', sql: (ref) => `from_base64(${ref})` } },
      });
      await table.append(files, {
        summary: streamSummary(this.stream, positions),
        requires: positionsStill(this.stream, held),
      });
    }
    return dead.length;
  }

  private fileOptions(maxLineBytes: number) {
    return {
      tempDir: this.deps.tempDir,
      targetFileSizeBytes: this.deps.config.ingest.targetFileSizeBytes,
      maxLineBytes,
    };
  }

  private openSession(): Promise<Session> {
    if (this.session !== undefined) return this.session;
    this.session = mkdir(this.deps.tempDir, { recursive: true }).then(() =>
      this.deps.openSession({
        memoryLimit: this.deps.config.ingest.memoryLimit,
        tempDir: this.deps.tempDir,
      }),
    );
    // A session that failed to open is not kept: the next commit tries again.
    this.session.catch(() => {
      this.session = undefined;
    });
    return this.session;
  }
}

function snapshotIdOf(table: IcebergTable): string {
  const id = table.currentSnapshot()?.['snapshot-id'];
  if (id === undefined) throw new InternalError('The commit left the table without a snapshot.');
  return id.toString();
}
