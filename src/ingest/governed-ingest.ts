import { auditResource } from '../governance/index.js';
import {
  missingNamespaces,
  namespaceSecurable,
  parentOf,
  requireWholeTableRead,
  tableSecurable,
} from '../catalog/index.js';
import type {
  AccessCheck,
  AccessGate,
  CatalogChange,
  CatalogChanges,
  CatalogService,
  TableIdent,
} from '../catalog/index.js';
import type { Caller, PolicyAdmin, Securable } from '../governance/index.js';
import { checkBronze, rejectsIdent } from './bronze-table.js';
import type { IngestRequest, IngestService, IngestSummary } from './contract.js';
import { checkWhereMode } from './predicate-overwrite.js';

export interface GovernedIngestDeps {
  /** The load itself (BatchIngest). */
  ingest: IngestService;
  catalog: Pick<CatalogService, 'tableExists' | 'describeNamespace' | 'describeTable'>;
  gate: AccessGate;
  policies: Pick<PolicyAdmin, 'recordOwner'>;
  /**
   * Runs after a successful load, as its caller (sensitive-data detection). It must
   * not fail the load: a rejection is ignored here, so report failures inside it.
   */
  afterIngest?: (caller: Caller, summary: IngestSummary) => Promise<void>;
  /** Told of the tables (and namespaces) a load created or changed (the search index listens). */
  changes?: Pick<CatalogChanges, 'publish'>;
}

/** What a load will create, learnt before it starts: these become the caller's. */
interface Creates {
  namespaces: string[][];
  rejects: boolean;
}

/**
 * Ingest as a caller may run it: INSERT into an existing table (an overwrite also needs
 * MODIFY, and an overwrite by a condition a read of the whole table); a new table needs
 * CREATE_TABLE on its namespace, or CREATE_NAMESPACE where its missing namespaces start.
 * The caller owns what the load creates, the rejects table included (its rows are the
 * caller's own input). One audit event per load.
 */
export class GovernedIngest {
  constructor(private readonly deps: GovernedIngestDeps) {}

  async ingest(caller: Caller, request: Omit<IngestRequest, 'owner'>): Promise<IngestSummary> {
    const summary = await this.#load(caller, request);
    await this.deps.afterIngest?.(caller, summary).catch(() => undefined);
    return summary;
  }

  #load(caller: Caller, request: Omit<IngestRequest, 'owner'>): Promise<IngestSummary> {
    const target = tableSecurable(request.table);
    return this.deps.gate.run(
      caller,
      'ingest',
      auditResource(target),
      async (check) => {
        // Invalid requests are told so before anything is checked or read.
        checkBronze(request.table);
        checkWhereMode(request);
        const creates = await this.#authorize(check, caller, request);
        const summary = await this.deps.ingest.ingest({
          ...request,
          owner: caller.principal.name,
        });
        await this.#recordOwners(caller, request.table, creates, summary);
        for (const change of changesOf(request.table, creates, summary)) {
          await this.deps.changes?.publish(change);
        }
        return summary;
      },
      (summary) => ({
        reason: `${summary.rowsWritten} rows written, ${summary.rowsRejected} rejected (${summary.mode})`,
        snapshots: [{ table: summary.table, snapshotId: summary.snapshotId }],
      }),
    );
  }

  async #authorize(check: AccessCheck, caller: Caller, request: IngestRequest): Promise<Creates> {
    const { table } = request;
    const rejects = !(await this.deps.catalog.tableExists(rejectsIdent(table)));
    if (await this.deps.catalog.tableExists(table)) {
      await check.require('INSERT', tableSecurable(table));
      if (request.mode === 'overwrite') await check.require('MODIFY', tableSecurable(table));
      if (request.mode === 'overwrite' && request.where !== undefined) {
        // What the condition matched shows in the load's summary: see requireWholeTableRead.
        const { gate, catalog } = this.deps;
        await requireWholeTableRead({ gate, catalog, check, caller }, table, 'overwrite');
      }
      return { namespaces: [], rejects };
    }
    const namespaces = await missingNamespaces(this.deps.catalog, table.namespace);
    const first = namespaces[0];
    await (first === undefined
      ? check.require('CREATE_TABLE', namespaceSecurable(table.namespace))
      : check.require('CREATE_NAMESPACE', parentOf(first)));
    return { namespaces, rejects };
  }

  async #recordOwners(
    caller: Caller,
    table: TableIdent,
    creates: Creates,
    summary: IngestSummary,
  ): Promise<void> {
    // Namespaces are created with the table, and neither when there was nothing to load.
    const owned: Securable[] = summary.createdTable
      ? [...creates.namespaces.map((path) => namespaceSecurable(path)), tableSecurable(table)]
      : [];
    if (creates.rejects && summary.rejectsTable !== null) {
      owned.push(tableSecurable(rejectsIdent(table)));
    }
    const { name } = caller.principal;
    for (const securable of owned) {
      await this.deps.policies.recordOwner(securable, { kind: 'principal', name }, name);
    }
  }
}

/** The first namespace a load created covers everything below it; else the tables it wrote. */
function changesOf(table: TableIdent, creates: Creates, summary: IngestSummary): CatalogChange[] {
  const first = creates.namespaces[0];
  if (summary.createdTable && first !== undefined) return [{ kind: 'namespace', path: first }];
  const tables = [tableSecurable(table).path];
  if (summary.rejectsTable !== null) tables.push(tableSecurable(rejectsIdent(table)).path);
  return tables.map((path) => ({ kind: 'table', path }));
}
