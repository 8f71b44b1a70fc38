import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { nowIso, toDate, toOptionalDate } from './codec.js';
import type { ClassificationSuggestionsTable } from './classification-migration.js';
import type { Database } from './database.js';
import type { Executor } from './executor.js';
import { byText, nonEmptyPathText, parsePath } from './securable-codec.js';

export type SuggestionStatusRecord = 'pending' | 'accepted' | 'rejected';

/** What one detection run found in one column. */
export interface ClassificationFindingRecord {
  column: string;
  classification: string;
  confidence: number;
  sampleSize: number;
  matchedCount: number;
  nameHint: boolean;
}

export interface ClassificationSuggestionRecord extends ClassificationFindingRecord {
  id: string;
  table: string[];
  status: SuggestionStatusRecord;
  detectedBy: string;
  detectedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  rejectReason: string | null;
}

/** Sensitive-data classification suggestions and their review. */
export interface ClassificationRepository {
  /**
   * Records one detection run over some columns of a table, atomically. A finding
   * refreshes its suggestion's counts and keeps its decision; a rejected one is left
   * alone unless reopenRejected (then it is pending again). Pending suggestions of the
   * scanned columns that the run no longer found are removed. Returns the suggestions
   * of the scanned columns.
   */
  record(
    table: string[],
    run: {
      scannedColumns: string[];
      findings: ClassificationFindingRecord[];
      detectedBy: string;
      reopenRejected: boolean;
    },
  ): Promise<ClassificationSuggestionRecord[]>;
  get(id: string): Promise<ClassificationSuggestionRecord | undefined>;
  /** Ordered by table, column and classification. */
  list(filter?: {
    table?: string[];
    status?: SuggestionStatusRecord;
  }): Promise<ClassificationSuggestionRecord[]>;
  /** Records the steward's decision; undefined when there is no such suggestion. */
  decide(
    id: string,
    decision: { status: 'accepted' | 'rejected'; by: string; reason: string | null },
  ): Promise<ClassificationSuggestionRecord | undefined>;
}

type Row = Selectable<ClassificationSuggestionsTable>;

function toRecord(row: Row): ClassificationSuggestionRecord {
  return {
    id: row.id,
    table: parsePath(row.table_path),
    column: row.column_name,
    classification: row.classification,
    confidence: Number(row.confidence),
    sampleSize: Number(row.sample_size),
    matchedCount: Number(row.matched_count),
    nameHint: Number(row.name_hint) === 1,
    status: row.status as SuggestionStatusRecord,
    detectedBy: row.detected_by,
    detectedAt: toDate(row.detected_at),
    decidedBy: row.decided_by,
    decidedAt: toOptionalDate(row.decided_at),
    rejectReason: row.reject_reason,
  };
}

const order = byText<Row>((r) => `${r.table_path}\u0000${r.column_name}\u0000${r.classification}`);

async function rowsOf(db: Kysely<Database>, tablePath: string): Promise<Row[]> {
  return db
    .selectFrom('classification_suggestions')
    .selectAll()
    .where('table_path', '=', tablePath)
    .execute();
}

async function applyFinding(
  tx: Kysely<Database>,
  tablePath: string,
  existing: Row | undefined,
  finding: ClassificationFindingRecord,
  run: { detectedBy: string; reopenRejected: boolean },
): Promise<void> {
  const measured = {
    confidence: finding.confidence,
    sample_size: finding.sampleSize,
    matched_count: finding.matchedCount,
    name_hint: finding.nameHint ? 1 : 0,
    detected_by: run.detectedBy,
    detected_at: nowIso(),
  };
  if (existing === undefined) {
    await tx
      .insertInto('classification_suggestions')
      .values({
        id: randomUUID(),
        table_path: tablePath,
        column_name: finding.column,
        classification: finding.classification,
        ...measured,
        status: 'pending',
        decided_by: null,
        decided_at: null,
        reject_reason: null,
      })
      .execute();
    return;
  }
  const reopen = existing.status === 'rejected' && run.reopenRejected;
  if (existing.status === 'rejected' && !reopen) return;
  await tx
    .updateTable('classification_suggestions')
    .set({
      ...measured,
      ...(reopen && { status: 'pending', decided_by: null, decided_at: null, reject_reason: null }),
    })
    .where('id', '=', existing.id)
    .execute();
}

export function classificationRepository(executor: Executor): ClassificationRepository {
  const { db } = executor;

  return {
    async record(table, run) {
      const tablePath = nonEmptyPathText(table);
      const scanned = new Set(run.scannedColumns);
      const key = (column: string, classification: string) => `${column}\u0000${classification}`;
      const rows = await executor.atomic(async (tx) => {
        const existing = new Map(
          (await rowsOf(tx, tablePath)).map((r) => [key(r.column_name, r.classification), r]),
        );
        const found = new Set<string>();
        for (const finding of run.findings) {
          const k = key(finding.column, finding.classification);
          found.add(k);
          await applyFinding(tx, tablePath, existing.get(k), finding, run);
        }
        const stale = [...existing.values()].filter(
          (r) =>
            r.status === 'pending' &&
            scanned.has(r.column_name) &&
            !found.has(key(r.column_name, r.classification)),
        );
        if (stale.length > 0) {
          await tx
            .deleteFrom('classification_suggestions')
            .where(
              'id',
              'in',
              stale.map((r) => r.id),
            )
            .execute();
        }
        return rowsOf(tx, tablePath);
      });
      return rows
        .filter((r) => scanned.has(r.column_name))
        .sort(order)
        .map(toRecord);
    },

    async get(id) {
      const row = await db
        .selectFrom('classification_suggestions')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async list(filter = {}) {
      let query = db.selectFrom('classification_suggestions').selectAll();
      if (filter.table !== undefined) {
        query = query.where('table_path', '=', nonEmptyPathText(filter.table));
      }
      if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      return (await query.execute()).sort(order).map(toRecord);
    },

    async decide(id, decision) {
      const row = await db
        .updateTable('classification_suggestions')
        .set({
          status: decision.status,
          decided_by: decision.by,
          decided_at: nowIso(),
          reject_reason: decision.reason,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toRecord(row);
    },
  };
}
