import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { icebergToDuckType, openSession, quoteLiteral } from '../../engine/index.js';
import type { ResolvedTable } from '../../engine/index.js';
import type { Metastore } from '../../metastore/index.js';
import type { Authorizer, Principal, Securable } from '../contract.js';
import { eventOf } from './audit-chain.js';
import { AUDIT_TABLE_SCHEMA, auditRow } from './audit-table-columns.js';

export interface AuditSystemTableOptions {
  authorizer: Pick<Authorizer, 'require'>;
  /** Where the Parquet copy of the log is kept between queries. */
  tempDir: string;
}

const PAGE_SIZE = 5_000;
/** READ_AUDIT is granted on the catalog. */
const CATALOG: Securable = { kind: 'catalog', path: [] };

/**
 * The audit log as the SQL table `system.audit`, for holders of READ_AUDIT. The
 * governed engine reads only Parquet files, so the log is copied to one, and the
 * copy is reused until an event is appended or retention removes some.
 */
export class AuditSystemTable {
  readonly #metastore: Pick<Metastore, 'audit'>;
  readonly #options: AuditSystemTableOptions;
  /** Files of this instance only: other homes may share the temp folder. */
  readonly #prefix = `system-audit-${randomUUID().slice(0, 8)}`;
  readonly #writing = new Map<string, Promise<string>>();
  #current: string | undefined;
  #previous: string | undefined;

  constructor(metastore: Pick<Metastore, 'audit'>, options: AuditSystemTableOptions) {
    this.#metastore = metastore;
    this.#options = options;
  }

  async resolve(principal: Principal): Promise<ResolvedTable> {
    await this.#options.authorizer.require(principal, 'READ_AUDIT', CATALOG);
    const head = await this.#metastore.audit.head();
    const file = path.join(
      this.#options.tempDir,
      `${this.#prefix}-${head.anchorSeq}-${head.lastSeq}.parquet`,
    );
    // A copy removed behind our back (a cleaned temp folder) is simply written again.
    if (file !== this.#current || !existsSync(file)) await this.#written(file, head.lastSeq);
    return {
      name: 'system.audit',
      schema: AUDIT_TABLE_SCHEMA,
      dataFiles: [],
      namedFiles: [file],
      snapshotId: null,
    };
  }

  /** One writer per file, however many queries ask for it at once. */
  async #written(file: string, lastSeq: number): Promise<void> {
    let writing = this.#writing.get(file);
    if (!writing) {
      writing = this.#write(file, lastSeq).finally(() => this.#writing.delete(file));
      this.#writing.set(file, writing);
    }
    await writing;
    if (this.#current === file) return;
    // The previous copy stays: a query that resolved it a moment ago may still be opening it.
    const stale = this.#previous;
    [this.#previous, this.#current] = [this.#current, file];
    if (stale !== undefined) await rm(stale, { force: true });
  }

  async #write(file: string, lastSeq: number): Promise<string> {
    await mkdir(this.#options.tempDir, { recursive: true });
    const partial = `${file}.${randomUUID().slice(0, 8)}`;
    const ndjson = `${partial}.ndjson`;
    try {
      await this.#writeNdjson(ndjson, lastSeq);
      await this.#convert(ndjson, `${partial}.parquet`);
      // Readers only ever see a complete file under the final name.
      await rename(`${partial}.parquet`, file);
      return file;
    } finally {
      await rm(ndjson, { force: true });
      await rm(`${partial}.parquet`, { force: true });
    }
  }

  async #writeNdjson(target: string, lastSeq: number): Promise<void> {
    const out = createWriteStream(target, { encoding: 'utf8' });
    let fromSeq = 0;
    for (;;) {
      const page = await this.#metastore.audit.list({ fromSeq, limit: PAGE_SIZE });
      // Events appended after the head was read belong to the next copy.
      const wanted = page.filter((r) => r.seq <= lastSeq);
      const text = wanted.map((r) => `${JSON.stringify(auditRow(eventOf(r)))}\n`).join('');
      if (!out.write(text))
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      if (page.length < PAGE_SIZE || wanted.length < page.length) break;
      fromSeq = page[page.length - 1]!.seq + 1;
    }
    out.end();
    await finished(out);
  }

  async #convert(ndjson: string, parquet: string): Promise<void> {
    const columns = AUDIT_TABLE_SCHEMA.fields
      .map((f) => `${quoteLiteral(f.name)}: ${quoteLiteral(icebergToDuckType(f.type))}`)
      .join(', ');
    const session = await openSession({
      memoryLimit: '256MB',
      tempDir: this.#options.tempDir,
      threads: 1,
    });
    try {
      await session.run(
        `COPY (SELECT * FROM read_json(${quoteLiteral(ndjson)}, format = 'newline_delimited', ` +
          `columns = {${columns}})) TO ${quoteLiteral(parquet)} (FORMAT PARQUET)`,
      );
    } finally {
      session.close();
    }
  }
}
