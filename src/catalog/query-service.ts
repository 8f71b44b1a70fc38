import type {
  QueryEngine,
  QueryOptions,
  QueryResult,
  StreamFormat,
  TableResolver,
} from '../engine/index.js';
import { LakewardError } from '../errors/index.js';
import type { Caller } from '../governance/index.js';
import type { AccessCheck, AccessGate, AuditFacts, UseCase } from './access-gate.js';
import { GovernedResolver, type AuditTable, type VolumeTables } from './governed-resolver.js';

/** Limits applied when the caller gives none (from the config's `query` section). */
export interface QueryDefaults {
  timeoutMs: number;
  memoryLimit: string;
  maxResultRows: number;
}

export interface QueryGovernance {
  gate: AccessGate;
  /** `system.audit`, for holders of READ_AUDIT. */
  auditTable: AuditTable;
  /** Volumes: a volume's name in FROM reads its file table (READ_VOLUME). */
  volumes?: VolumeTables;
  /** Where reads of tables are counted (search ranks often and lately read tables higher). */
  usage?: TableUsage;
}

export interface TableUsage {
  recordReads(tables: string[][], at: Date): Promise<void>;
}

/** The engine's refusals of what a query may not do (files, settings, system functions). */
const ENGINE_REFUSALS = new Set([
  'STATEMENT_NOT_ALLOWED',
  'TABLE_FUNCTION_NOT_ALLOWED',
  'FUNCTION_NOT_ALLOWED',
]);

/**
 * The query use case: SQL from a caller runs on the engine over the tables the caller
 * may read, each with the caller's columns, masks and row filter (resolverFor). Every
 * query, allowed, refused or failed, is one audit event with its text, tables,
 * snapshots, columns and the policies applied.
 */
export class QueryService {
  constructor(
    private readonly engine: Pick<QueryEngine, 'execute' | 'stream' | 'exportParquet'>,
    private readonly catalog: { resolver(): Required<TableResolver> },
    private readonly defaults: QueryDefaults,
    private readonly governance: QueryGovernance,
  ) {}

  execute(caller: Caller, sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    return this.#audited(
      caller,
      sql,
      (resolver) => this.engine.execute(sql, resolver, this.withDefaults(options)),
      (result) => ({ rowsReturned: result.rowCount }),
    );
  }

  /** The whole answer as CSV (with a header) or NDJSON text chunks; audited when it ends. */
  async *stream(
    caller: Caller,
    sql: string,
    format: StreamFormat,
    options: QueryOptions = {},
  ): AsyncIterable<string> {
    const started = Date.now();
    const useCase = this.governance.gate.start(caller, 'query', undefined);
    const resolver = this.resolverFor(caller, useCase.check);
    let lines = 0;
    let failed = false;
    try {
      const chunks = this.engine.stream(sql, resolver, format, this.withDefaults(options));
      for await (const chunk of chunks) {
        lines += countNewlines(chunk);
        yield chunk;
      }
    } catch (err) {
      failed = true;
      await this.#failed(useCase, err, resolver, sql, started);
      throw err;
    } finally {
      // Also when the reader stopped early (`| head`): what it read was allowed.
      if (!failed) {
        await useCase.succeeded({
          ...readFacts(resolver, sql, started),
          // NDJSON is a row a line; CSV values may hold line breaks, so its rows go uncounted.
          ...(format === 'ndjson' ? { rowsReturned: lines } : {}),
        });
        await this.#recordUsage(resolver);
      }
    }
  }

  exportParquet(
    caller: Caller,
    sql: string,
    outPath: string,
    options: QueryOptions = {},
  ): Promise<{ rows: number }> {
    return this.#audited(
      caller,
      sql,
      (resolver) => this.engine.exportParquet(sql, resolver, outPath, this.withDefaults(options)),
      (result) => ({ rowsReturned: result.rows }),
    );
  }

  /** The tables of one query as the caller may read them; checks count toward check's use case. */
  resolverFor(caller: Caller, check: AccessCheck): GovernedResolver {
    return new GovernedResolver(
      {
        tables: this.catalog.resolver(),
        auditTable: this.governance.auditTable,
        ...(this.governance.volumes === undefined ? {} : { volumes: this.governance.volumes }),
        authorizer: this.governance.gate.authorizer,
      },
      caller.principal,
      check,
    );
  }

  async #audited<T>(
    caller: Caller,
    sql: string,
    run: (resolver: GovernedResolver) => Promise<T>,
    facts: (result: T) => AuditFacts,
  ): Promise<T> {
    const started = Date.now();
    const useCase = this.governance.gate.start(caller, 'query', undefined);
    const resolver = this.resolverFor(caller, useCase.check);
    let result: T;
    try {
      result = await run(resolver);
    } catch (err) {
      await this.#failed(useCase, err, resolver, sql, started);
      throw err;
    }
    await useCase.succeeded({ ...readFacts(resolver, sql, started), ...facts(result) });
    await this.#recordUsage(resolver);
    return result;
  }

  /** Usage is a ranking hint: a failure to count it must never fail the query. */
  async #recordUsage(resolver: GovernedResolver): Promise<void> {
    const usage = this.governance.usage;
    if (usage === undefined) return;
    const tables = [...new Set(resolver.reads.map((r) => r.name))].map((n) => n.split('.'));
    await usage.recordReads(tables, new Date()).catch(() => undefined);
  }

  async #failed(
    useCase: UseCase,
    err: unknown,
    resolver: GovernedResolver,
    sql: string,
    started: number,
  ): Promise<void> {
    if (err instanceof LakewardError && ENGINE_REFUSALS.has(err.code)) useCase.check.refuse(err);
    const refused = resolver.attempted;
    await useCase.failed(err, {
      ...readFacts(resolver, sql, started),
      ...(refused === undefined ? {} : { resource: `table:${refused}` }),
    });
  }

  private withDefaults(options: QueryOptions): QueryOptions {
    return {
      timeoutMs: this.defaults.timeoutMs,
      memoryLimit: this.defaults.memoryLimit,
      maxRows: this.defaults.maxResultRows,
      ...definedOnly(options),
    };
  }
}

/** What the audit log keeps of a query: its text, tables, snapshots, columns and policies. */
function readFacts(resolver: GovernedResolver, sql: string, started: number): AuditFacts {
  const reads = resolver.reads;
  const names = [...new Set(reads.map((r) => r.name))];
  const all = (pick: (applied: (typeof reads)[number]['applied']) => string[]) => [
    ...new Set(reads.flatMap((r) => pick(r.applied))),
  ];
  return {
    ...(names.length === 0 ? {} : { resource: names.map((n) => `table:${n}`).join(',') }),
    queryText: sql,
    durationMs: Date.now() - started,
    snapshots: reads.map((r) => ({ table: r.name, snapshotId: r.snapshotId })),
    columns: [...new Set(reads.flatMap((r) => r.columns.map((c) => `${r.name}.${c}`)))],
    policies: {
      grants: all((a) => a.grants),
      filters: all((a) => a.filters),
      masks: all((a) => a.masks),
    },
  };
}

function countNewlines(chunk: string): number {
  let count = 0;
  for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) count++;
  return count;
}

function definedOnly(options: QueryOptions): QueryOptions {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as QueryOptions;
}
