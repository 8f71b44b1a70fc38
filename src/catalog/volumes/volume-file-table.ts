import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { icebergToDuckType, openSession, quoteLiteral } from '../../engine/index.js';
import type { ResolvedTable } from '../../engine/index.js';
import type { Metastore, VolumeRecord } from '../../metastore/index.js';
import { FILE_TABLE_SCHEMA, fileRows } from './file-table-columns.js';
import { formatVolumeName } from './volume-names.js';

/**
 * A volume's file list as a SQL table. The governed engine reads only Parquet files, so
 * the list is copied to one per volume, named by the volume's version: a change makes
 * a new copy, an unchanged volume reuses the one it has. Access is decided by the caller.
 */
export class VolumeFileTable {
  /** Files of this instance only: other homes may share the temp folder. */
  readonly #prefix = `volume-files-${randomUUID().slice(0, 8)}`;
  readonly #writing = new Map<string, Promise<void>>();
  /** The current copy of each volume (by id). */
  readonly #current = new Map<string, string>();
  /** The copy before it, kept while a query that resolved it a moment ago may still read it. */
  readonly #previous = new Map<string, string>();

  constructor(
    private readonly metastore: Pick<Metastore, 'volumes'>,
    private readonly tempDir: string,
  ) {}

  async resolve(volume: VolumeRecord): Promise<ResolvedTable> {
    const file = path.join(this.tempDir, `${this.#prefix}-${volume.id}-${volume.version}.parquet`);
    if (this.#current.get(volume.id) !== file || !existsSync(file)) {
      await this.#written(volume, file);
    }
    return {
      name: formatVolumeName(volume),
      schema: FILE_TABLE_SCHEMA,
      dataFiles: [],
      namedFiles: [file],
      snapshotId: null,
    };
  }

  /** One writer per copy, however many queries ask for it at once. */
  async #written(volume: VolumeRecord, file: string): Promise<void> {
    let writing = this.#writing.get(file);
    if (!writing) {
      writing = this.#write(volume, file).finally(() => this.#writing.delete(file));
      this.#writing.set(file, writing);
    }
    await writing;
    const current = this.#current.get(volume.id);
    if (current === file) return;
    const stale = this.#previous.get(volume.id);
    if (current !== undefined) this.#previous.set(volume.id, current);
    this.#current.set(volume.id, file);
    if (stale !== undefined) await rm(stale, { force: true });
  }

  async #write(volume: VolumeRecord, file: string): Promise<void> {
    await mkdir(this.tempDir, { recursive: true });
    const partial = `${file}.${randomUUID().slice(0, 8)}`;
    try {
      // Files uploaded after the version was read belong to the next copy; a few more
      // rows in this one are harmless, the version decides when it is replaced.
      const files = await this.metastore.volumes.listFiles(volume.id);
      const ndjson = fileRows(files)
        .map((row) => `${JSON.stringify(row)}\n`)
        .join('');
      await writeFile(`${partial}.ndjson`, ndjson, 'utf8');
      await convert(`${partial}.ndjson`, `${partial}.parquet`, this.tempDir);
      // Readers only ever see a complete file under the final name.
      await rename(`${partial}.parquet`, file);
    } finally {
      await rm(`${partial}.ndjson`, { force: true });
      await rm(`${partial}.parquet`, { force: true });
    }
  }
}

async function convert(ndjson: string, parquet: string, tempDir: string): Promise<void> {
  const columns = FILE_TABLE_SCHEMA.fields
    .map((f) => `${quoteLiteral(f.name)}: ${quoteLiteral(icebergToDuckType(f.type))}`)
    .join(', ');
  const session = await openSession({ memoryLimit: '256MB', tempDir, threads: 1 });
  try {
    await session.run(
      `COPY (SELECT * FROM read_json(${quoteLiteral(ndjson)}, format = 'newline_delimited', ` +
        `columns = {${columns}})) TO ${quoteLiteral(parquet)} (FORMAT PARQUET)`,
    );
  } finally {
    session.close();
  }
}
