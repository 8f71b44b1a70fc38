import type {
  QueryEngine,
  QueryOptions,
  QueryResult,
  StreamFormat,
  TableResolver,
} from '../engine/index.js';
import type { Principal } from '../governance/index.js';
import type { CatalogService } from './contract.js';

/** Limits applied when the caller gives none (from the config's `query` section). */
export interface QueryDefaults {
  timeoutMs: number;
  memoryLimit: string;
  maxResultRows: number;
}

/**
 * The query use case: SQL from a principal runs on the engine over the catalog's
 * tables. Every query reads through resolverFor(principal), the one place the
 * governance layer puts the caller's columns, masks and row filters in.
 */
export class QueryService {
  constructor(
    private readonly engine: Pick<QueryEngine, 'execute' | 'stream' | 'exportParquet'>,
    private readonly catalog: Pick<CatalogService, 'resolver'>,
    private readonly defaults: QueryDefaults,
  ) {}

  execute(principal: Principal, sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    return this.engine.execute(sql, this.resolverFor(principal), this.withDefaults(options));
  }

  /** The whole answer as CSV (with a header) or NDJSON text chunks. */
  stream(
    principal: Principal,
    sql: string,
    format: StreamFormat,
    options: QueryOptions = {},
  ): AsyncIterable<string> {
    return this.engine.stream(sql, this.resolverFor(principal), format, this.withDefaults(options));
  }

  exportParquet(
    principal: Principal,
    sql: string,
    outPath: string,
    options: QueryOptions = {},
  ): Promise<{ rows: number }> {
    return this.engine.exportParquet(
      sql,
      this.resolverFor(principal),
      outPath,
      this.withDefaults(options),
    );
  }

  /** Today every authenticated principal reads every table; governance narrows this. */
  resolverFor(_principal: Principal): TableResolver {
    return this.catalog.resolver();
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

function definedOnly(options: QueryOptions): QueryOptions {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as QueryOptions;
}
