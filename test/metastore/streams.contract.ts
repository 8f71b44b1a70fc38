import { describe, expect, it } from 'vitest';
import type { Metastore } from '../../src/metastore/index.js';

const code = (c: string) => expect.objectContaining({ code: c });

const definition = {
  table: { namespace: ['bronze', 'pos'], name: 'sales' },
  source: { kind: 'kafka', brokers: ['127.0.0.1:9092'], topic: 'sales' },
  batch: { maxRecords: 100_000, maxBytes: 67_108_864, maxIntervalMs: 1000 },
};

/** The stream repository's behaviour; runs inside the metastore contract. */
export function streamContract(fixture: () => { store: Metastore }): void {
  describe('streams', () => {
    const create = (name = 'pos_sales') =>
      fixture().store.streams.create({ name, definition, state: 'running', runAs: 'erin' });

    it('creates, reads, lists and deletes streams with unique names', async () => {
      const { streams } = fixture().store;
      const created = await create();
      expect(created).toMatchObject({
        name: 'pos_sales',
        definition,
        state: 'running',
        error: null,
        runAs: 'erin',
      });
      expect(created.createdAt).toBeInstanceOf(Date);
      await expect(create()).rejects.toEqual(code('STREAM_ALREADY_EXISTS'));
      expect(await streams.get('pos_sales')).toEqual(created);
      expect(await streams.getById(created.id)).toEqual(created);
      await create('another');
      expect((await streams.list()).map((s) => s.name)).toEqual(['another', 'pos_sales']);
      expect(await streams.delete('pos_sales')).toBe(true);
      expect(await streams.delete('pos_sales')).toBe(false);
      expect(await streams.get('pos_sales')).toBeUndefined();
      expect(await streams.getById(created.id)).toBeUndefined();
    });

    it('moves between states with the reason of a failure, and marks each change', async () => {
      const { streams } = fixture().store;
      const created = await create();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const failed = await streams.setState(
        'pos_sales',
        'failed',
        'STREAM_SCHEMA_DRIFT: new field',
      );
      expect(failed).toMatchObject({ state: 'failed', error: 'STREAM_SCHEMA_DRIFT: new field' });
      expect(failed.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
      const resumed = await streams.setState('pos_sales', 'running', null);
      expect(resumed).toMatchObject({ state: 'running', error: null });
      expect(await streams.get('pos_sales')).toEqual(resumed);
      await expect(streams.setState('nope', 'paused', null)).rejects.toEqual(
        code('STREAM_NOT_FOUND'),
      );
    });

    it('keeps the last status a runner reported without touching the definition', async () => {
      const { streams } = fixture().store;
      const created = await create();
      expect(await streams.status(created.id)).toBeUndefined();
      const at = new Date('2026-03-04T05:06:07.089Z');
      const status = { committedRecords: 12, positions: { wal: '9223372036854775807' } };
      await streams.saveStatus(created.id, status, at);
      await streams.saveStatus(created.id, { ...status, committedRecords: 13 }, at);
      expect(await streams.status(created.id)).toEqual({
        status: { ...status, committedRecords: 13 },
        at,
      });
      expect(await streams.get('pos_sales')).toEqual(created);
      await streams.delete('pos_sales');
      await streams.saveStatus(created.id, status, at);
      expect(await streams.status(created.id)).toBeUndefined();
    });
  });
}
