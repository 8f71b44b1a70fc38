import {
  formatTableName,
  identOfReference,
  parseTableName,
  renameOf,
  tableSecurable,
} from '../catalog/index.js';
import type { AccessGate, CatalogChange, CatalogService } from '../catalog/index.js';
import { sqlLineage } from '../engine/index.js';
import { InvalidInput, NotFound, PermissionDenied } from '../errors/index.js';
import type { Caller } from '../governance/index.js';
import type { LineageEdgeRecord, LineageRepository, LineageRunRecord } from '../metastore/index.js';
import type { LineageRecorder, LineageRun, SqlLineage } from './contract.js';
import { jobNodeId, renamedNode, tableNodeId, tableOfNode } from './dataset-ids.js';
import { visibleColumnsOf } from './column-visibility.js';
import { linkDataset } from './dataset-links.js';
import { walk } from './lineage-graph.js';
import type { Direction } from './lineage-graph.js';
import { presentWalk } from './lineage-view.js';
import type { LineageGraph } from './lineage-view.js';
import type { OpenLineageEmitter } from './openlineage-emitter.js';
import { runEvent } from './openlineage-event.js';
import { eventEdges, parseRunEvent } from './openlineage-import.js';

export interface LineageDeps {
  catalog: Pick<CatalogService, 'describeTable' | 'tableExists'>;
  gate: AccessGate;
  repository: LineageRepository;
  emitter: Pick<OpenLineageEmitter, 'emit' | 'enabled'>;
  /** OpenLineage namespace of our jobs and tables. */
  namespace: string;
  /** The warehouse key of a URI inside it: a dataset named by its location links to our table. */
  keyOf(uri: string): string | undefined;
}

export interface GraphRequest {
  table: string;
  direction: Direction;
  depth: number;
  column?: string | undefined;
}

export interface Impact {
  table: string;
  column: string | null;
  /** Every table downstream; hidden ones only counted. */
  tables: { name: string; depth: number; columns?: string[] }[];
  hiddenTables: number;
  jobs: { name: string; version: number | null }[];
  /** Jobs that write a hidden table: only counted. */
  hiddenJobs: number;
  /** ML models reading the table or a downstream one, and datasets of other systems. */
  consumers: (
    | {
        kind: 'model';
        modelId: string;
        table: string;
        owner: string;
        description: string | null;
        url: string | null;
      }
    | { kind: 'dataset'; name: string }
  )[];
}

export interface ImportedEvent {
  runId: string;
  job: string;
  eventType: string;
  /** Each dataset of the event and the Lakeward table it was linked to, if any. */
  datasets: { namespace: string; name: string; table: string | null }[];
}

const MAX_DEPTH = 50;

/** Lineage as jobs record it, as callers query it, and as other tools report it (OpenLineage). */
export class Lineage implements LineageRecorder {
  constructor(private readonly deps: LineageDeps) {}

  /**
   * After a table or namespace rename (a catalog change with `renamedFrom`), the edges
   * of the old names move to the new ones, so the table keeps its lineage.
   */
  async followRename(change: CatalogChange): Promise<number> {
    const rename = renameOf(change);
    if (rename === undefined) return 0;
    return this.deps.repository.renameNodes((id) => renamedNode(rename, id));
  }

  analyze(sql: string): Promise<SqlLineage> {
    return sqlLineage(sql, async (parts) => {
      const ident = identOfReference(parts);
      const table = await this.deps.catalog.describeTable(ident);
      return { table: formatTableName(ident), columns: table.columns.map((c) => c.name) };
    });
  }

  async recordRun(caller: Caller, run: LineageRun): Promise<void> {
    // A run whose SQL cannot be analysed still has its table edges and its event.
    const lineage =
      run.eventType === 'COMPLETE' ? await this.analyze(run.sql).catch(() => undefined) : undefined;
    const target = tableNodeId(run.target);
    const edges: LineageEdgeRecord[] = run.inputs.map((input) => ({
      source: tableNodeId(input.table),
      sourceColumn: null,
      target,
      targetColumn: null,
      transformation: null,
    }));
    for (const column of lineage?.columns ?? []) {
      for (const source of column.sources) {
        edges.push({
          source: tableNodeId(source.table),
          sourceColumn: source.column,
          target,
          targetColumn: column.column,
          transformation: column.transformation,
        });
      }
    }
    await this.deps.repository.recordRun(
      {
        runId: run.runId,
        jobNamespace: this.deps.namespace,
        job: run.job,
        jobVersion: run.jobVersion,
        eventType: run.eventType,
        at: run.at,
        sql: run.sql,
        origin: 'lakeward',
        producer: null,
        error: run.error ?? null,
        recordedBy: caller.principal.name,
      },
      run.eventType === 'COMPLETE' ? edges : undefined,
    );
    if (this.deps.emitter.enabled) {
      await this.deps.emitter.emit(runEvent(run, lineage, this.deps.namespace));
    }
  }

  /** The graph around a table (or one of its columns) the caller may DESCRIBE. */
  async graph(caller: Caller, request: GraphRequest): Promise<LineageGraph> {
    const ident = parseTableName(request.table);
    const name = formatTableName(ident);
    return this.deps.gate.run(caller, 'lineage.graph', `table:${name}`, async (check) => {
      await check.require('DESCRIBE', tableSecurable(ident));
      const depth = checkDepth(request.depth);
      const described = await this.deps.catalog.describeTable(ident);
      const visibleColumns = visibleColumnsOf(
        this.deps.catalog,
        this.deps.gate.authorizer,
        caller.principal,
      );
      const seen = await visibleColumns(name);
      const columns = described.columns
        .map((c) => c.name)
        .filter((c) => seen === undefined || seen.has(c.toLowerCase()));
      const column = request.column;
      // A column the caller may not see fails exactly like a missing one.
      if (column !== undefined && !columns.some((c) => c.toLowerCase() === column.toLowerCase())) {
        throw new NotFound('COLUMN_NOT_FOUND', `${name} has no column "${column}".`, {
          hint: `Its columns: ${columns.join(', ')}.`,
        });
      }
      const walked = walk(await this.deps.repository.currentEdges(), tableNodeId(name), {
        direction: request.direction,
        depth,
        column: request.column,
      });
      const models = request.direction === 'upstream' ? [] : await this.deps.repository.allModels();
      return presentWalk(
        { authorizer: this.deps.gate.authorizer, principal: caller.principal, visibleColumns },
        walked,
        models,
      );
    });
  }

  /** Everything downstream of a table or column: tables, jobs, models and other consumers. */
  async impact(caller: Caller, table: string, column?: string): Promise<Impact> {
    const graph = await this.graph(caller, {
      table,
      direction: 'downstream',
      depth: MAX_DEPTH,
      column,
    });
    const name = formatTableName(parseTableName(table));
    const impact: Impact = {
      table: name,
      column: column ?? null,
      tables: [],
      hiddenTables: 0,
      jobs: [],
      hiddenJobs: 0,
      consumers: [],
    };
    for (const node of graph.nodes) {
      if (node.kind === 'table' && node.name !== name && node.name !== null) {
        impact.tables.push({
          name: node.name,
          depth: node.depth ?? 0,
          ...(node.columns !== undefined && { columns: node.columns }),
        });
      } else if (node.kind === 'hidden') impact.hiddenTables++;
      else if (node.kind === 'job' && node.name === null) impact.hiddenJobs++;
      else if (node.kind === 'job')
        impact.jobs.push({ name: node.name ?? '', version: node.version ?? null });
      else if (node.kind === 'dataset')
        impact.consumers.push({ kind: 'dataset', name: node.name ?? '' });
      else if (node.kind === 'model') {
        impact.consumers.push({
          kind: 'model',
          modelId: node.name ?? '',
          table: node.table ?? '',
          owner: node.owner ?? '',
          description: node.description ?? null,
          url: node.url ?? null,
        });
      }
    }
    impact.tables.sort((a, b) => a.depth - b.depth || a.name.localeCompare(b.name));
    impact.jobs.sort((a, b) => a.name.localeCompare(b.name));
    return impact;
  }

  /** Runs of a job, newest first (ours by job name; others' as `namespace/name`); SQL and errors for admins only. */
  runs(caller: Caller, job: string, limit = 20): Promise<LineageRunRecord[]> {
    const slash = job.lastIndexOf('/');
    const [namespace, name] =
      slash > 0 ? [job.slice(0, slash), job.slice(slash + 1)] : [this.deps.namespace, job];
    return this.deps.gate.run(caller, 'lineage.runs', jobNodeId(namespace, name), async () => {
      const runs = await this.deps.repository.runs(namespace, name, limit);
      // SQL and errors may name tables the caller may not see: admins only.
      if (caller.principal.isAdmin) return runs;
      return runs.map((run) => ({ ...run, sql: null, error: null }));
    });
  }

  /**
   * Merges an OpenLineage RunEvent from another tool into the graph. The caller must hold
   * SELECT on every Lakeward table the event reads and MODIFY on every one it writes; an
   * event that names no Lakeward table needs an admin or a service principal.
   */
  async importEvent(caller: Caller, body: unknown): Promise<ImportedEvent> {
    const event = parseRunEvent(body);
    const resource = jobNodeId(event.job.namespace, event.job.name);
    return this.deps.gate.run(caller, 'lineage.import', resource, async (check) => {
      const keyOf = (ds: { namespace: string; name: string }) =>
        JSON.stringify([ds.namespace, ds.name]);
      const keyed = eventEdges(event, keyOf);
      const all = new Map<string, { namespace: string; name: string }>();
      for (const ds of [...(event.inputs ?? []), ...(event.outputs ?? [])]) all.set(keyOf(ds), ds);
      for (const edge of keyed) {
        for (const key of [edge.source, edge.target]) {
          const [namespace, name] = JSON.parse(key) as [string, string];
          all.set(key, { namespace, name });
        }
      }
      const nodes = new Map<string, string>();
      for (const [key, ds] of all) nodes.set(key, await linkDataset(this.deps, ds));
      const outputs = new Set((event.outputs ?? []).map(keyOf));
      let ours = 0;
      for (const [key, node] of nodes) {
        const table = tableOfNode(node);
        if (table === undefined) continue;
        ours++;
        const privilege = outputs.has(key) ? 'MODIFY' : 'SELECT';
        await check.require(privilege, tableSecurable(parseTableName(table)));
      }
      if (ours === 0 && !caller.principal.isAdmin && caller.principal.kind !== 'service') {
        throw check.refuse(
          new PermissionDenied(
            'LINEAGE_IMPORT_NOT_ALLOWED',
            'Only admins and service principals may report lineage that names no Lakeward table.',
            {
              hint: 'Send the event with a service principal token (lakeward principals create --service).',
            },
          ),
        );
      }
      const edges = keyed.map((e) => ({
        ...e,
        source: nodes.get(e.source) ?? e.source,
        target: nodes.get(e.target) ?? e.target,
      }));
      await this.deps.repository.recordRun(
        {
          runId: event.run.runId,
          jobNamespace: event.job.namespace,
          job: event.job.name,
          jobVersion: null,
          eventType: event.eventType,
          at: new Date(event.eventTime).toISOString(),
          sql: sqlOf(event.job.facets),
          origin: 'openlineage',
          producer: event.producer,
          error: null,
          recordedBy: caller.principal.name,
        },
        // Some integrations name datasets only in START: a later event without them keeps those edges.
        edges.length > 0 ? edges : undefined,
      );
      return {
        runId: event.run.runId,
        job: `${event.job.namespace}/${event.job.name}`,
        eventType: event.eventType,
        datasets: [...all].map(([key, ds]) => ({
          ...ds,
          table: tableOfNode(nodes.get(key) ?? '') ?? null,
        })),
      };
    });
  }
}

function sqlOf(facets: Record<string, unknown> | undefined): string | null {
  const query = (facets?.sql as { query?: unknown } | undefined)?.query;
  return typeof query === 'string' ? query : null;
}

function checkDepth(depth: number): number {
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) {
    throw new InvalidInput(
      'INVALID_LINEAGE_DEPTH',
      `Depth ${depth} is not between 1 and ${MAX_DEPTH}.`,
      {
        hint: 'Give --depth a whole number, e.g. --depth 3.',
      },
    );
  }
  return depth;
}
