import { describe, expect, it } from 'vitest';
import type { ClassificationFindingRecord, Metastore } from '../../src/metastore/index.js';

const CUSTOMERS = ['bronze', 'crm', 'customers'];

function finding(
  column: string,
  classification: string,
  matchedCount = 90,
): ClassificationFindingRecord {
  return {
    column,
    classification,
    confidence: matchedCount / 100,
    sampleSize: 100,
    matchedCount,
    nameHint: column === 'email',
  };
}

function run(findings: ClassificationFindingRecord[], extra: { reopenRejected?: boolean } = {}) {
  return {
    scannedColumns: ['email', 'card', 'notes'],
    findings,
    detectedBy: 'steward',
    reopenRejected: extra.reopenRejected === true,
  };
}

/** The classification suggestions repository; runs inside the metastore contract. */
export function classificationContract(fixture: () => { store: Metastore }): void {
  describe('classification suggestions', () => {
    it('records findings as pending suggestions, in column order', async () => {
      const { store } = fixture();
      const recorded = await store.classifications.record(
        CUSTOMERS,
        run([finding('email', 'email'), finding('card', 'credit_card', 42)]),
      );
      expect(recorded.map((s) => [s.column, s.classification, s.status])).toEqual([
        ['card', 'credit_card', 'pending'],
        ['email', 'email', 'pending'],
      ]);
      const card = recorded[0]!;
      expect(card).toMatchObject({
        table: CUSTOMERS,
        confidence: 0.42,
        sampleSize: 100,
        matchedCount: 42,
        nameHint: false,
        detectedBy: 'steward',
        decidedBy: null,
        decidedAt: null,
        rejectReason: null,
      });
      expect(card.detectedAt).toBeInstanceOf(Date);
      expect(await store.classifications.get(card.id)).toEqual(card);
      expect(await store.classifications.get('missing')).toBeUndefined();
    });

    it('a re-run refreshes pending ones, keeps decisions, drops what is no longer found', async () => {
      const { store } = fixture();
      const first = await store.classifications.record(
        CUSTOMERS,
        run([finding('email', 'email'), finding('card', 'credit_card'), finding('notes', 'phone')]),
      );
      const [card, email] = first;
      await store.classifications.decide(card!.id, {
        status: 'rejected',
        by: 'steward',
        reason: 'test cards',
      });
      await store.classifications.decide(email!.id, {
        status: 'accepted',
        by: 'steward',
        reason: null,
      });
      const second = await store.classifications.record(
        CUSTOMERS,
        run([finding('email', 'email', 99), finding('card', 'credit_card', 99)]),
      );
      expect(second.map((s) => [s.column, s.status, s.matchedCount])).toEqual([
        ['card', 'rejected', 90],
        ['email', 'accepted', 99],
      ]);
      expect(second[0]?.rejectReason).toBe('test cards');

      const reopened = await store.classifications.record(
        CUSTOMERS,
        run([finding('email', 'email', 99), finding('card', 'credit_card', 99)], {
          reopenRejected: true,
        }),
      );
      expect(reopened[0]).toMatchObject({
        column: 'card',
        status: 'pending',
        matchedCount: 99,
        decidedBy: null,
        rejectReason: null,
      });
    });

    it('leaves suggestions of columns the run did not scan alone', async () => {
      const { store } = fixture();
      await store.classifications.record(CUSTOMERS, run([finding('notes', 'phone')]));
      const other = await store.classifications.record(CUSTOMERS, {
        ...run([]),
        scannedColumns: ['email'],
      });
      expect(other).toEqual([]);
      expect((await store.classifications.list()).map((s) => s.column)).toEqual(['notes']);
    });

    it('lists by table and status, and records decisions', async () => {
      const { store } = fixture();
      const [ours] = await store.classifications.record(
        CUSTOMERS,
        run([finding('email', 'email')]),
      );
      await store.classifications.record(
        ['bronze', 'crm', 'orders'],
        run([finding('card', 'credit_card')]),
      );
      const decided = await store.classifications.decide(ours!.id, {
        status: 'rejected',
        by: 'ann',
        reason: 'synthetic',
      });
      expect(decided).toMatchObject({
        status: 'rejected',
        decidedBy: 'ann',
        rejectReason: 'synthetic',
      });
      expect(decided?.decidedAt).toBeInstanceOf(Date);
      expect(
        await store.classifications.decide('missing', {
          status: 'accepted',
          by: 'ann',
          reason: null,
        }),
      ).toBeUndefined();

      expect((await store.classifications.list()).map((s) => s.table.join('.'))).toEqual([
        'bronze.crm.customers',
        'bronze.crm.orders',
      ]);
      expect((await store.classifications.list({ table: CUSTOMERS })).length).toBe(1);
      expect(
        (await store.classifications.list({ status: 'pending' })).map((s) => s.column),
      ).toEqual(['card']);
      expect(await store.classifications.list({ table: CUSTOMERS, status: 'pending' })).toEqual([]);
    });

    it('follows table renames and goes with a dropped table', async () => {
      const { store } = fixture();
      await store.classifications.record(CUSTOMERS, run([finding('email', 'email')]));
      await store.securablePaths.rename(['bronze', 'crm'], ['bronze', 'sales']);
      expect((await store.classifications.list()).map((s) => s.table.join('.'))).toEqual([
        'bronze.sales.customers',
      ]);
      await store.securablePaths.forget(['bronze', 'sales', 'customers']);
      expect(await store.classifications.list()).toEqual([]);
    });
  });
}
