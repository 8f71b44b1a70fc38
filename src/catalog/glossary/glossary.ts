import { Conflict } from '../../errors/index.js';
import type { Caller } from '../../governance/index.js';
import { auditResource } from '../../governance/index.js';
import { tableSecurable } from '../catalog-securables.js';
import type { GlossaryTermRecord, Metastore } from '../../metastore/index.js';
import type { AccessCheck, AccessGate } from '../access-gate.js';
import type { CatalogChanges } from '../catalog-changes.js';
import type { CatalogService, GlossaryReader, TableIdent } from '../contract.js';
import { TermLinks } from './term-links.js';
import type {
  GlossaryLink,
  GlossaryTerm,
  LinkTarget,
  TermInput,
  TermOwner,
  TermPatch,
} from './glossary-types.js';
import { LinkedColumns } from './linked-columns.js';
import { checkStatus, checkTermName, cleanSynonyms } from './term-input.js';
import {
  checkOwner,
  checkParent,
  existingTerm,
  requireTermEditor,
  termNotFound,
} from './term-rules.js';
import { termViews } from './term-view.js';

/** How a term appears in the audit log. */
function termResource(name: string): string {
  return `glossary_term:${name}`;
}

export interface GlossaryDeps {
  metastore: Metastore;
  catalog: CatalogService;
  gate: AccessGate;
  changes: CatalogChanges;
}

/**
 * The business glossary: terms with their definition, synonyms, owner, hierarchy and
 * related terms, linked to tables and columns. Every use case is audited through the gate.
 */
export class Glossary implements GlossaryReader {
  readonly #store: Metastore;
  readonly #gate: AccessGate;
  readonly #changes: CatalogChanges;
  readonly #columns: LinkedColumns;
  readonly #links: TermLinks;

  constructor(deps: GlossaryDeps) {
    this.#store = deps.metastore;
    this.#gate = deps.gate;
    this.#changes = deps.changes;
    this.#columns = new LinkedColumns(deps.catalog);
    this.#links = new TermLinks({ ...deps, columns: this.#columns });
  }

  createTerm(caller: Caller, input: TermInput): Promise<GlossaryTerm> {
    const name = checkTermName(input.name);
    return this.#run(caller, 'glossary.create', termResource(name), async (check) => {
      await requireTermEditor(this.#gate.authorizer, check, caller, undefined);
      const fields = await this.#resolve(undefined, input);
      const created = await this.#store.transaction(async (tx) => {
        const term = await tx.glossary.createTerm({
          name,
          definition: input.definition,
          synonyms: fields.synonyms ?? [],
          owner: fields.owner ?? null,
          parentId: fields.parentId ?? null,
          status: fields.status ?? 'draft',
          by: caller.principal.name,
        });
        if (fields.relatedIds !== undefined)
          await tx.glossary.setRelated(term.id, fields.relatedIds);
        return term;
      });
      await this.#publishTerms([created.name, ...(input.related ?? [])]);
      return this.#view(created);
    });
  }

  updateTerm(caller: Caller, name: string, patch: TermPatch): Promise<GlossaryTerm> {
    return this.#run(caller, 'glossary.update', termResource(name), async (check) => {
      const term = await existingTerm(this.#store, name);
      await requireTermEditor(this.#gate.authorizer, check, caller, term);
      const fields = await this.#resolve(term, patch);
      const newName = patch.name === undefined ? undefined : checkTermName(patch.name);
      const before = await this.#store.glossary.relatedIds(term.id);
      const updated = await this.#store.transaction(async (tx) => {
        const changed = await tx.glossary.updateTerm(term.id, {
          ...(newName !== undefined && { name: newName }),
          ...(patch.definition !== undefined && { definition: patch.definition }),
          ...(fields.synonyms !== undefined && { synonyms: fields.synonyms }),
          ...(fields.owner !== undefined && { owner: fields.owner }),
          ...(fields.parentId !== undefined && { parentId: fields.parentId }),
          ...(fields.status !== undefined && { status: fields.status }),
          by: caller.principal.name,
        });
        if (fields.relatedIds !== undefined)
          await tx.glossary.setRelated(term.id, fields.relatedIds);
        return changed;
      });
      if (updated.name !== term.name) {
        await this.#changes.publish({ kind: 'glossary_term', name: term.name, removed: true });
      }
      const touched = await this.#namesOf([...before, ...(fields.relatedIds ?? [])]);
      await this.#publishTerms([updated.name, ...touched]);
      if (updated.name !== term.name) await this.#links.publishTablesOf(updated.id);
      return this.#view(updated);
    });
  }

  /** A term with children or links is deleted only with force (children are then detached). */
  deleteTerm(caller: Caller, name: string, options: { force?: boolean } = {}): Promise<void> {
    return this.#run(caller, 'glossary.delete', termResource(name), async (check) => {
      const term = await existingTerm(this.#store, name);
      await requireTermEditor(this.#gate.authorizer, check, caller, term);
      const children = await this.#store.glossary.children(term.id);
      const links = await this.#store.glossary.linksOfTerm(term.id);
      // Links to columns dropped since are gone for users: they do not keep a term alive.
      const live = await this.#columns.current(links);
      if (!options.force && children.length + live.length > 0) {
        throw new Conflict(
          'GLOSSARY_TERM_IN_USE',
          `The term "${term.name}" has ${children.length} child term(s) and ${live.length} link(s) to tables or columns.`,
          { hint: 'Move or delete its children and unlink it first, or delete it with --force.' },
        );
      }
      const related = await this.#namesOf(await this.#store.glossary.relatedIds(term.id));
      await this.#store.glossary.deleteTerm(term.id);
      await this.#changes.publish({ kind: 'glossary_term', name: term.name, removed: true });
      await this.#publishTerms([...children.map((c) => c.name), ...related]);
      await this.#links.publishTables(links.map((l) => l.tablePath));
    });
  }

  /** Every term (terms are vocabulary, visible to every signed-in caller). */
  listTerms(caller: Caller): Promise<GlossaryTerm[]> {
    return this.#run(caller, 'glossary.list', undefined, async () =>
      termViews(this.#store, await this.#store.glossary.listTerms()),
    );
  }

  /** A term with its links to the tables the caller may DESCRIBE. */
  showTerm(caller: Caller, name: string): Promise<GlossaryTerm & { links: GlossaryLink[] }> {
    return this.#run(caller, 'glossary.show', termResource(name), async () => {
      const term = await existingTerm(this.#store, name);
      const links = await this.#links.visibleLinksOf(caller, term);
      return { ...(await this.#view(term)), links };
    });
  }

  link(caller: Caller, name: string, target: LinkTarget): Promise<GlossaryLink> {
    return this.#run(caller, 'glossary.link', termResource(name), (check) =>
      this.#links.link(check, caller, name, target),
    );
  }

  unlink(caller: Caller, name: string, target: LinkTarget): Promise<void> {
    return this.#run(caller, 'glossary.unlink', termResource(name), (check) =>
      this.#links.unlink(check, name, target),
    );
  }

  /** The terms linked to a table and its columns (DESCRIBE on the table). */
  termsOfTable(caller: Caller, table: TableIdent): Promise<GlossaryLink[]> {
    return this.#run(
      caller,
      'glossary.table_terms',
      auditResource(tableSecurable(table)),
      (check) => this.#links.termsOfTable(check, caller, table),
    );
  }

  /** The hook GovernedCatalog calls around table creates and property changes. */
  get businessMetrics(): TermLinks {
    return this.#links;
  }

  // --- GlossaryReader, for search ---

  async linkedTo(tablePath: string[]): Promise<{ term: string; column: string | null }[]> {
    const links = await this.#links.ofTable(tablePath);
    return links.map((l) => ({ term: l.term, column: l.column }));
  }

  async term(name: string): Promise<
    | {
        name: string;
        definition: string;
        synonyms: string[];
        owner: string | null;
        parent: string | null;
      }
    | undefined
  > {
    const record = await this.#store.glossary.getTerm(name);
    if (record === undefined) return undefined;
    const [view] = await termViews(this.#store, [record]);
    return {
      name: view!.name,
      definition: view!.definition,
      synonyms: view!.synonyms,
      owner: view!.owner?.name ?? null,
      parent: view!.parent,
    };
  }

  // ---

  async #view(record: GlossaryTermRecord): Promise<GlossaryTerm> {
    const [view] = await termViews(this.#store, [record]);
    return view!;
  }

  /** Checks and turns names into ids: owner, parent (no cycle), related terms, synonyms, status. */
  async #resolve(term: GlossaryTermRecord | undefined, input: TermPatch) {
    const owner: TermOwner | null | undefined =
      input.owner === undefined || input.owner === null
        ? input.owner
        : await checkOwner(this.#store, input.owner);
    let parentId: string | null | undefined = input.parent === null ? null : undefined;
    if (typeof input.parent === 'string') {
      const parent = await existingTerm(this.#store, input.parent);
      await checkParent(this.#store, term, parent);
      parentId = parent.id;
    }
    let relatedIds: string[] | undefined;
    if (input.related !== undefined) {
      relatedIds = [];
      for (const relatedName of input.related) {
        const related = await this.#store.glossary.getTerm(relatedName);
        if (related === undefined) throw termNotFound(relatedName);
        relatedIds.push(related.id);
      }
    }
    return {
      owner,
      parentId,
      relatedIds,
      synonyms: input.synonyms === undefined ? undefined : cleanSynonyms(input.synonyms),
      status: input.status === undefined ? undefined : checkStatus(input.status),
    };
  }

  async #namesOf(ids: string[]): Promise<string[]> {
    const names: string[] = [];
    for (const id of new Set(ids)) {
      const term = await this.#store.glossary.getTermById(id);
      if (term !== undefined) names.push(term.name);
    }
    return names;
  }

  async #publishTerms(names: string[]): Promise<void> {
    for (const name of new Set(names)) await this.#changes.publish({ kind: 'glossary_term', name });
  }

  #run<T>(
    caller: Caller,
    action: string,
    resource: string | undefined,
    work: (check: AccessCheck) => Promise<T>,
  ): Promise<T> {
    return this.#gate.run(caller, action, resource, work);
  }
}
