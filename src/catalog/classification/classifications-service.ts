import { PermissionDenied } from '../../errors/index.js';
import { auditResource } from '../../governance/index.js';
import type { Caller, PolicyAdmin, Securable } from '../../governance/index.js';
import type {
  ClassificationRepository,
  ClassificationSuggestionRecord,
  TagRepository,
} from '../../metastore/index.js';
import type { AccessCheck, AccessGate } from '../access-gate.js';
import type { CatalogChanges } from '../catalog-changes.js';
import { columnShapes, identOfPath, tableSecurable } from '../catalog-securables.js';
import type { CatalogService, TableIdent } from '../contract.js';
import { formatTableName, parseTableName } from '../names.js';
import type { QueryService } from '../query-service.js';
import { ensureClassificationTagKey } from './classification-tag-key.js';
import { CLASSIFICATION_TAG_KEY } from './classifications.js';
import type {
  Classification,
  ClassificationSuggestion,
  SuggestionStatus,
} from './classifications.js';
import { sampleColumns } from './column-sample.js';
import { samplingPlan } from './sampling-plan.js';
import { classifyColumn } from './detectors.js';
import {
  columnAlreadyClassified,
  invalidSampleSize,
  rejectReasonRequired,
  suggestionNotFound,
} from './suggestion-errors.js';

export const DEFAULT_SAMPLE_SIZE = 1000;
export const MAX_SAMPLE_SIZE = 100_000;

export interface ClassifyOptions {
  /** Non-null values sampled per column (default 1,000). */
  sampleSize?: number;
  /** Make rejected suggestions that are found again pending again. */
  reopenRejected?: boolean;
}

export interface ClassifyResult {
  table: string;
  /** The columns sampled, with the non-null values each gave. */
  sampled: { column: string; values: number }[];
  /** Columns the caller sees that were not sampled, and why. */
  skipped: { column: string; reason: string }[];
  /** The suggestions of the sampled columns (including earlier decisions). */
  suggestions: ClassificationSuggestion[];
}

export interface ClassificationsDeps {
  catalog: Pick<CatalogService, 'describeTable'>;
  query: Pick<QueryService, 'execute'>;
  gate: AccessGate;
  policies: Pick<PolicyAdmin, 'assignTag' | 'unassignTag' | 'createTagKey' | 'updateTagKey'>;
  suggestions: ClassificationRepository;
  tags: Pick<TagRepository, 'getKey' | 'listAssignments'>;
  changes: Pick<CatalogChanges, 'publish'>;
  /** Who creates the built-in tag key when a home lacks it (the local admin). */
  system: () => Promise<Caller>;
}

/**
 * Sensitive-data detection (issue 4, item 4): samples a table's text columns as the
 * caller reads them, suggests classifications with their confidence, and lets a
 * steward accept (the column gets the tag classification=<value>, so tag policies on
 * it apply) or reject them. Each use case is one audit event.
 */
export class Classifications {
  constructor(private readonly deps: ClassificationsDeps) {}

  /** Needs SELECT on the table; the sample is read through the governed query path. */
  classify(
    caller: Caller,
    ident: TableIdent,
    options: ClassifyOptions = {},
  ): Promise<ClassifyResult> {
    const size = options.sampleSize ?? DEFAULT_SAMPLE_SIZE;
    const securable = tableSecurable(ident);
    return this.deps.gate.run(caller, 'table.classify', auditResource(securable), async (check) => {
      if (!Number.isInteger(size) || size < 1 || size > MAX_SAMPLE_SIZE) {
        throw invalidSampleSize(size, MAX_SAMPLE_SIZE);
      }
      await check.require('SELECT', securable);
      const { sampled, skipped } = await samplingPlan(this.deps, caller, ident);
      const samples = await sampleColumns(this.deps.query, caller, ident, sampled, size);
      const findings = [...samples].flatMap(([column, values]) => classifyColumn(column, values));
      const records = await this.deps.suggestions.record(securable.path, {
        scannedColumns: sampled,
        findings,
        detectedBy: caller.principal.name,
        reopenRejected: options.reopenRejected === true,
      });
      return {
        table: formatTableName(ident),
        sampled: sampled.map((column) => ({ column, values: samples.get(column)?.length ?? 0 })),
        skipped,
        suggestions: records.map(toSuggestion),
      };
    });
  }

  /**
   * For GovernedIngest's afterIngest: classify a table a load created or added columns
   * to, as the loading caller. Never throws: the load stands, a failure is reported.
   */
  async afterIngest(
    caller: Caller,
    load: { table: string; createdTable: boolean; schemaChanges: string[] },
    report: (err: unknown, table: string) => void,
  ): Promise<void> {
    const added = load.schemaChanges.some((change) => change.startsWith('added column'));
    if (!load.createdTable && !added) return;
    try {
      await this.classify(caller, parseTableName(load.table));
    } catch (err) {
      report(err, load.table);
    }
  }

  /** Suggestions on tables the caller may DESCRIBE (a named table must be one). */
  list(
    caller: Caller,
    filter: { table?: TableIdent; status?: SuggestionStatus } = {},
  ): Promise<ClassificationSuggestion[]> {
    const scope =
      filter.table === undefined ? 'catalog' : auditResource(tableSecurable(filter.table));
    return this.deps.gate.run(caller, 'classification.list', scope, async (check) => {
      const table = filter.table === undefined ? undefined : tableSecurable(filter.table).path;
      if (table !== undefined) await check.require('DESCRIBE', { kind: 'table', path: table });
      const all = await this.deps.suggestions.list({
        ...(table === undefined ? {} : { table }),
        ...(filter.status === undefined ? {} : { status: filter.status }),
      });
      const visible = await this.deps.gate.authorizer.visible(
        caller.principal,
        all.map((s) => ({ kind: 'table', path: s.table })),
      );
      const shown = all.filter((_, i) => visible[i] === true);
      const readable = await this.#readableColumns(caller, shown);
      return shown
        .filter((s) => readable.get(dotted(s.table))?.(s.column) === true)
        .map(toSuggestion);
    });
  }

  /**
   * Per table, the columns the caller is shown, as describe shows them: a suggestion
   * on a column a data filter hides names it and says what it holds.
   */
  async #readableColumns(
    caller: Caller,
    suggestions: ClassificationSuggestionRecord[],
  ): Promise<Map<string, (column: string) => boolean>> {
    const out = new Map<string, (column: string) => boolean>();
    for (const { table } of suggestions) {
      const key = dotted(table);
      if (out.has(key)) continue;
      const described = await this.deps.catalog
        .describeTable(identOfPath(table))
        .catch(() => undefined);
      if (described === undefined) {
        out.set(key, () => false);
        continue;
      }
      const policy = await this.deps.gate.authorizer.readPolicy(
        caller.principal,
        table,
        columnShapes(described),
      );
      const columns = policy.allowed ? policy.columns : undefined;
      out.set(key, columns === undefined ? () => true : (c) => columns.includes(c));
    }
    return out;
  }

  /** Tags the column classification=<value> through PolicyAdmin, as the caller (APPLY_TAG). */
  accept(caller: Caller, id: string): Promise<ClassificationSuggestion> {
    return this.deps.gate.run(
      caller,
      'classification.accept',
      `classification:${id}`,
      async (check) => {
        const found = await this.#reviewable(caller, check, id);
        const column = columnSecurable(found);
        const other = (await this.deps.suggestions.list({ table: found.table })).find(
          (s) => s.column === found.column && s.status === 'accepted' && s.id !== id,
        );
        if (other !== undefined) {
          throw columnAlreadyClassified(dotted(column.path), other.classification, other.id);
        }
        await ensureClassificationTagKey(this.deps, await this.deps.system());
        await refusedAs(
          check,
          this.deps.policies.assignTag(
            caller,
            column,
            CLASSIFICATION_TAG_KEY,
            found.classification,
          ),
        );
        return this.#decided(id, { status: 'accepted', by: caller.principal.name, reason: null });
      },
      (s) => ({ columns: [`${s.table}.${s.column}`] }),
    );
  }

  /**
   * Records why the column is not what was detected. Rejecting an accepted suggestion
   * also removes the tag it put on the column (when the column still carries it).
   */
  reject(caller: Caller, id: string, reason: string): Promise<ClassificationSuggestion> {
    return this.deps.gate.run(
      caller,
      'classification.reject',
      `classification:${id}`,
      async (check) => {
        if (reason.trim().length === 0) throw rejectReasonRequired();
        const found = await this.#reviewable(caller, check, id);
        if (found.status === 'accepted' && (await this.#carriesTag(found))) {
          await refusedAs(
            check,
            this.deps.policies.unassignTag(caller, columnSecurable(found), CLASSIFICATION_TAG_KEY),
          );
        }
        return this.#decided(id, {
          status: 'rejected',
          by: caller.principal.name,
          reason: reason.trim(),
        });
      },
      (s) => ({ columns: [`${s.table}.${s.column}`] }),
    );
  }

  /** Creates the built-in tag key if this home lacks it (initHome, and older homes). */
  async ensureTagKey(caller?: Caller): Promise<void> {
    await ensureClassificationTagKey(this.deps, caller ?? (await this.deps.system()));
  }

  /** The suggestion, if the caller may see its table and apply tags to its column. */
  async #reviewable(
    caller: Caller,
    check: AccessCheck,
    id: string,
  ): Promise<ClassificationSuggestionRecord> {
    const found = await this.deps.suggestions.get(id);
    const [visible] =
      found === undefined
        ? [false]
        : await this.deps.gate.authorizer.visible(caller.principal, [
            { kind: 'table', path: found.table },
          ]);
    if (found === undefined || visible !== true) throw check.refuse(suggestionNotFound(id));
    await check.require('APPLY_TAG', columnSecurable(found));
    return found;
  }

  async #carriesTag(found: ClassificationSuggestionRecord): Promise<boolean> {
    const column = columnSecurable(found);
    const assignments = await this.deps.tags.listAssignments();
    return assignments.some(
      (a) =>
        a.securable.kind === 'column' &&
        a.key === CLASSIFICATION_TAG_KEY &&
        a.value === found.classification &&
        dotted(a.securable.path) === dotted(column.path),
    );
  }

  async #decided(
    id: string,
    decision: Parameters<ClassificationRepository['decide']>[1],
  ): Promise<ClassificationSuggestion> {
    const decided = await this.deps.suggestions.decide(id, decision);
    if (decided === undefined) throw suggestionNotFound(id);
    this.deps.changes.publish({ kind: 'table', path: decided.table });
    return toSuggestion(decided);
  }
}

/** PolicyAdmin's refusals (its rules on tags) are this use case's refusals too. */
async function refusedAs<T>(check: AccessCheck, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw err instanceof PermissionDenied ? check.refuse(err) : err;
  }
}

function columnSecurable(s: ClassificationSuggestionRecord): Securable {
  return { kind: 'column', path: [...s.table, s.column] };
}

function dotted(path: readonly string[]): string {
  return JSON.stringify(path);
}

function toSuggestion(r: ClassificationSuggestionRecord): ClassificationSuggestion {
  return {
    id: r.id,
    table: r.table.join('.'),
    column: r.column,
    classification: r.classification as Classification,
    confidence: r.confidence,
    sampleSize: r.sampleSize,
    matchedCount: r.matchedCount,
    nameHint: r.nameHint,
    status: r.status,
    detectedBy: r.detectedBy,
    detectedAt: r.detectedAt.toISOString(),
    decidedBy: r.decidedBy,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    rejectReason: r.rejectReason,
  };
}
