import { AlreadyExists, InvalidInput, NotFound } from '../../errors/index.js';
import type { Caller } from '../../governance/index.js';
import type { GlossaryLinkRecord, GlossaryTermRecord, Metastore } from '../../metastore/index.js';
import type { AccessCheck, AccessGate } from '../access-gate.js';
import type { CatalogChanges } from '../catalog-changes.js';
import { columnShapes, tableSecurable } from '../catalog-securables.js';
import type { CatalogService, TableIdent } from '../contract.js';
import { formatTableName } from '../names.js';
import { BUSINESS_METRIC_PROPERTY } from './glossary-types.js';
import type { GlossaryLink, LinkTarget } from './glossary-types.js';
import { identOf } from './linked-columns.js';
import type { LinkedColumns } from './linked-columns.js';
import { existingTerm } from './term-rules.js';
import { linkView } from './term-view.js';

export interface TermLinksDeps {
  metastore: Metastore;
  gate: AccessGate;
  changes: CatalogChanges;
  columns: LinkedColumns;
  catalog: Pick<CatalogService, 'describeTable'>;
}

function pathOf(table: TableIdent): string[] {
  return tableSecurable(table).path;
}

function targetText(target: LinkTarget): string {
  return `${formatTableName(target.table)}${target.column === undefined ? '' : `.${target.column}`}`;
}

/** Links between terms and tables or columns, including the ones business_metric makes. */
export class TermLinks {
  readonly #store: Metastore;
  readonly #gate: AccessGate;
  readonly #changes: CatalogChanges;
  readonly #columns: LinkedColumns;
  readonly #catalog: TermLinksDeps['catalog'];

  constructor(deps: TermLinksDeps) {
    this.#catalog = deps.catalog;
    this.#store = deps.metastore;
    this.#gate = deps.gate;
    this.#changes = deps.changes;
    this.#columns = deps.columns;
  }

  /** Linking changes how the table is described: ALTER on the table. */
  async link(
    check: AccessCheck,
    caller: Caller,
    name: string,
    target: LinkTarget,
  ): Promise<GlossaryLink> {
    const term = await existingTerm(this.#store, name);
    await check.require('ALTER', tableSecurable(target.table));
    // The table must exist (and the column, when one is named).
    const column =
      target.column === undefined
        ? await this.#columns.columnsOf(target.table).then(() => null)
        : await this.#columns.column(target.table, target.column);
    const path = pathOf(target.table);
    const existing = (await this.#store.glossary.linksOfTable(path)).filter(
      (l) => l.termId === term.id,
    );
    const same = existing.find((l) =>
      column === null
        ? l.column === null
        : l.column !== null &&
          (column.fieldId === null ? l.column === column.name : l.columnFieldId === column.fieldId),
    );
    if (same !== undefined) {
      throw new AlreadyExists(
        'GLOSSARY_LINK_EXISTS',
        `"${term.name}" is already linked to ${targetText(target)}.`,
        { hint: `lakeward glossary show "${term.name}" lists its links.` },
      );
    }
    const record = await this.#store.glossary.link({
      termId: term.id,
      tablePath: path,
      column: column?.name ?? null,
      columnFieldId: column?.fieldId ?? null,
      kind: 'manual',
      linkedBy: caller.principal.name,
    });
    await this.#publish(term.name, [path]);
    return linkView(term.name, record, column?.name ?? null);
  }

  async unlink(check: AccessCheck, name: string, target: LinkTarget): Promise<void> {
    const term = await existingTerm(this.#store, name);
    await check.require('ALTER', tableSecurable(target.table));
    const path = pathOf(target.table);
    const current = await this.#columns.current(
      (await this.#store.glossary.linksOfTable(path)).filter((l) => l.termId === term.id),
    );
    const wanted = target.column?.toLowerCase() ?? null;
    const found = current.find(
      (c) => (c.column === null ? null : c.column.toLowerCase()) === wanted,
    );
    if (found === undefined) {
      throw new NotFound(
        'GLOSSARY_LINK_NOT_FOUND',
        `"${term.name}" is not linked to ${targetText(target)}.`,
        { hint: `lakeward glossary show "${term.name}" lists its links.` },
      );
    }
    await this.#store.glossary.unlink(term.id, path, found.link.column);
    await this.#publish(term.name, [path]);
  }

  async termsOfTable(
    check: AccessCheck,
    caller: Caller,
    table: TableIdent,
  ): Promise<GlossaryLink[]> {
    await check.require('DESCRIBE', tableSecurable(table));
    const shown = await this.#readableColumns(caller, pathOf(table));
    return (await this.ofTable(pathOf(table))).filter((l) => shown(l.column));
  }

  /** Every link of a table with today's column names. */
  async ofTable(tablePath: string[]): Promise<GlossaryLink[]> {
    const links = await this.#columns.current(await this.#store.glossary.linksOfTable(tablePath));
    const names = new Map<string, string>();
    const out: GlossaryLink[] = [];
    for (const { link, column } of links) {
      if (!names.has(link.termId)) {
        names.set(link.termId, (await this.#store.glossary.getTermById(link.termId))?.name ?? '');
      }
      out.push(linkView(names.get(link.termId)!, link, column));
    }
    return out;
  }

  /** A term's links to tables the caller may DESCRIBE. */
  async visibleLinksOf(caller: Caller, term: GlossaryTermRecord): Promise<GlossaryLink[]> {
    const links = await this.#store.glossary.linksOfTerm(term.id);
    const visible = await this.#gate.authorizer.visible(
      caller.principal,
      links.map((l) => ({ kind: 'table', path: l.tablePath })),
    );
    const current = await this.#columns.current(links.filter((_, i) => visible[i] === true));
    const readable = new Map<string, (column: string | null) => boolean>();
    const out: GlossaryLink[] = [];
    for (const { link, column } of current) {
      const key = JSON.stringify(link.tablePath);
      if (!readable.has(key))
        readable.set(key, await this.#readableColumns(caller, link.tablePath));
      if (readable.get(key)!(column)) out.push(linkView(term.name, link, column));
    }
    return out;
  }

  /**
   * Links to columns the caller's data filters hide are hidden too, as describe hides the
   * columns themselves (DESCRIBE alone sees every column).
   */
  async #readableColumns(
    caller: Caller,
    tablePath: string[],
  ): Promise<(column: string | null) => boolean> {
    const described = await this.#catalog.describeTable(identOf(tablePath));
    const policy = await this.#gate.authorizer.readPolicy(
      caller.principal,
      tablePath,
      columnShapes(described),
    );
    if (!policy.allowed || policy.columns === undefined) return () => true;
    const shown = new Set(policy.columns);
    return (column) => column === null || shown.has(column.split('.')[0]!);
  }

  // --- business_metric: a table property that names a term and links the table to it ---

  /** Refuses a business_metric that names no term; call before the table changes. */
  async checkBusinessMetric(properties: Record<string, string> | undefined): Promise<void> {
    const value = properties?.[BUSINESS_METRIC_PROPERTY];
    if (value === undefined) return;
    if ((await this.#store.glossary.getTerm(value.trim())) !== undefined) return;
    throw new InvalidInput(
      'UNKNOWN_BUSINESS_METRIC',
      `${BUSINESS_METRIC_PROPERTY}="${value}" names no glossary term.`,
      {
        hint: `Create the term first (lakeward glossary create "${value.trim()}" --definition …) or name an existing one (lakeward glossary list).`,
      },
    );
  }

  /**
   * After the table changed: its business_metric link follows the property (replaced when
   * it names another term, removed with the property).
   */
  async businessMetricChanged(
    table: TableIdent,
    by: string,
    change: { setProperties?: Record<string, string>; removeProperties?: string[] },
  ): Promise<void> {
    const value = change.setProperties?.[BUSINESS_METRIC_PROPERTY];
    const removed = change.removeProperties?.includes(BUSINESS_METRIC_PROPERTY) === true;
    if (value === undefined && !removed) return;
    const path = pathOf(table);
    const term = value === undefined ? undefined : await existingTerm(this.#store, value.trim());
    const dropped = await this.#store.transaction(async (tx) => {
      const old = await tx.glossary.unlinkKind(path, 'business_metric');
      if (term !== undefined) {
        // A manual link of the same term to the table becomes the business_metric link.
        await tx.glossary.unlink(term.id, path, null);
        await tx.glossary.link({
          termId: term.id,
          tablePath: path,
          column: null,
          columnFieldId: null,
          kind: 'business_metric',
          linkedBy: by,
        });
      }
      return old;
    });
    const terms = await this.#termNames(dropped);
    if (term !== undefined) terms.push(term.name);
    for (const name of new Set(terms)) await this.#changes.publish({ kind: 'glossary_term', name });
    await this.#changes.publish({ kind: 'table', path });
  }

  async publishTablesOf(termId: string): Promise<void> {
    await this.publishTables(
      (await this.#store.glossary.linksOfTerm(termId)).map((l) => l.tablePath),
    );
  }

  async publishTables(paths: string[][]): Promise<void> {
    const seen = new Set<string>();
    for (const path of paths) {
      const key = JSON.stringify(path);
      if (seen.has(key)) continue;
      seen.add(key);
      await this.#changes.publish({ kind: 'table', path });
    }
  }

  async #termNames(links: GlossaryLinkRecord[]): Promise<string[]> {
    const names: string[] = [];
    for (const id of new Set(links.map((l) => l.termId))) {
      const term = await this.#store.glossary.getTermById(id);
      if (term !== undefined) names.push(term.name);
    }
    return names;
  }

  async #publish(term: string, paths: string[][]): Promise<void> {
    await this.#changes.publish({ kind: 'glossary_term', name: term });
    await this.publishTables(paths);
  }
}
