import { describe, expect, it } from 'vitest';
import type { CatalogService, TableIdent } from '../../../../src/catalog/index.js';
import type { IcebergTable } from '../../../../src/iceberg/index.js';
import { StreamWriter } from '../../../../src/ingest/index.js';
import { batchOf, DEAD, definition, records, SALES, streamHomeForEachTest } from './stream-home.js';

const s = streamHomeForEachTest();

const SALES_IDENT: TableIdent = { namespace: ['bronze', 'shop'], name: 'sales' };

async function snapshotCount(name: string): Promise<number> {
  const [namespace, layer, table] = name.split('.') as [string, string, string];
  const ident = { namespace: [namespace, layer], name: table };
  if (!(await s.home.services.catalog.tableExists(ident))) return 0;
  return (await s.home.services.catalog.loadTable(ident)).history().length;
}

describe('schema drift', () => {
  it('evolve adds the new column in the same commit flow and reports it', async () => {
    const writer = s.writer(definition({ drift: 'evolve' }));
    await writer.commit(batchOf(records([{ id: 1 }])));
    const result = await writer.commit(
      batchOf(
        records(
          [
            { id: 2, temperature: 21.5 },
            { id: 3, Temperature: 7 },
          ],
          { from: 1 },
        ),
      ),
    );
    expect(result).toMatchObject({ rowsWritten: 2, deadLettered: 0 });
    expect(result.schemaChanges).toEqual(['added column temperature (double)']);
    expect(await s.query(`SELECT id, temperature FROM ${SALES} ORDER BY id`)).toEqual([
      [1, null],
      [2, 21.5],
      [3, 7],
    ]);
    // A string in that double column is set aside, not written.
    const wrong = await writer.commit(
      batchOf(records([{ id: 4, temperature: 'hot' }], { from: 3 })),
    );
    expect(wrong).toMatchObject({ rowsWritten: 0, deadLettered: 1 });
    expect(await s.query(`SELECT _offset, reason FROM ${DEAD}`)).toEqual([
      [3, 'field "temperature": a string cannot be stored in a double column'],
    ]);
  });

  it('dead-letter sets records with new fields aside and leaves the table as it was', async () => {
    const writer = s.writer(definition({ drift: 'dead-letter' }));
    await writer.commit(batchOf(records([{ id: 1 }])));
    const result = await writer.commit(
      batchOf(records([{ id: 2, colour: 'red' }, { id: 3 }], { from: 1 })),
    );
    expect(result).toMatchObject({ rowsWritten: 1, deadLettered: 1, schemaChanges: [] });
    expect(await s.query(`SELECT _offset, reason, decode(raw) FROM ${DEAD}`)).toEqual([
      [1, `field "colour" is not a column of ${SALES}`, '{"id":2,"colour":"red"}'],
    ]);
    expect(await s.query(`SELECT id FROM ${SALES} ORDER BY id`)).toEqual([[1], [3]]);
    const table = await s.home.services.catalog.loadTable(SALES_IDENT);
    expect(table.schema().fields.some((f) => f.name === 'colour')).toBe(false);
  });

  it('fail throws STREAM_SCHEMA_DRIFT naming the field and position and commits nothing', async () => {
    const writer = s.writer(definition({ drift: 'fail' }));
    await writer.commit(batchOf(records([{ id: 1 }])));
    const before = [await snapshotCount(SALES), await snapshotCount(DEAD)];
    const drifted = batchOf(
      records(['not json', { id: 2 }, { id: 3, colour: 'red' }], { partition: '4', from: 10 }),
    );
    await expect(writer.commit(drifted)).rejects.toMatchObject({
      code: 'STREAM_SCHEMA_DRIFT',
      details: { field: 'colour', partition: '4', offset: '12' },
      message: expect.stringContaining('partition 4, offset 12'),
    });
    const mismatch = batchOf(records([{ id: 'two' }], { from: 1 }));
    await expect(writer.commit(mismatch)).rejects.toMatchObject({
      code: 'STREAM_SCHEMA_DRIFT',
      details: { field: 'id', offset: '1' },
    });
    // Not even the dead letter of the bad record before it was committed.
    expect([await snapshotCount(SALES), await snapshotCount(DEAD)]).toEqual(before);
    expect(await writer.committedPositions()).toEqual({ '0': '0' });
  });

  it('declared columns fix the schema; int columns widen to long under evolve', async () => {
    const writer = s.writer(
      definition({
        columns: [
          { name: 'id', type: 'int' },
          { name: 'at', type: 'timestamptz' },
          { name: 'amount', type: 'decimal(10,2)' },
        ],
      }),
    );
    const first = await writer.commit(
      batchOf(
        records([
          { id: 1, at: '2024-05-01T10:00:00Z', amount: 12.5 },
          { id: 2, at: 'yesterday' },
        ]),
      ),
    );
    expect(first).toMatchObject({ rowsWritten: 1, deadLettered: 1 });
    const second = await writer.commit(
      batchOf(records([{ id: 5_000_000_000, amount: '1.25' }], { from: 2 })),
    );
    expect(second.schemaChanges).toEqual(['widened column id to long']);
    expect(
      await s.query(`SELECT id, epoch_ms("at"), CAST(amount AS VARCHAR) FROM ${SALES} ORDER BY id`),
    ).toEqual([
      [1, Date.parse('2024-05-01T10:00:00Z'), '12.50'],
      [5_000_000_000, null, '1.25'],
    ]);
  });
});

/** Methods of the real object, bound to it (its private fields stay reachable). */
function real(target: object, property: string | symbol): unknown {
  const value = Reflect.get(target, property) as unknown;
  return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
}

/**
 * The catalog as a process sees it that dies right after the dead-letter commit: the
 * main table's append fails, everything else is the real home's.
 */
function crashingBeforeMainCommit(catalog: CatalogService): CatalogService {
  return new Proxy(catalog, {
    get(target, property) {
      if (property !== 'loadTable') return real(target, property);
      return async (ident: TableIdent) => {
        const table = await target.loadTable(ident);
        if (ident.name !== SALES_IDENT.name) return table;
        return new Proxy(table, {
          get(t, p) {
            if (p !== 'append') return real(t, p);
            return () => Promise.reject(new Error('killed before the main commit'));
          },
        }) as IcebergTable;
      };
    },
  });
}

describe('exactly once with a dead-letter table', () => {
  it('a batch replayed after a crash between the two commits duplicates neither table', async () => {
    const batch = batchOf(
      records([{ id: 1 }, 'bad', { id: 2 }, '{"id": "x"}'], { partition: '0', from: 0 }),
    );
    // First a committed batch so the table exists, then the crash.
    await s.writer(definition()).commit(batchOf(records([{ id: 0 }], { partition: '9' })));
    const crashed = new StreamWriter(
      { ...s.deps, catalog: crashingBeforeMainCommit(s.deps.catalog) },
      {
        id: 'stream-1',
        definition: definition(),
      },
    );
    await expect(crashed.commit(batch)).rejects.toThrow('killed before the main commit');
    await crashed.close();
    expect(await s.query(`SELECT count(*) FROM ${DEAD}`)).toEqual([[2]]);
    expect(await s.query(`SELECT count(*) FROM ${SALES}`)).toEqual([[1]]);

    const restarted = s.writer(definition());
    expect(await restarted.committedPositions()).toEqual({ '9': '0' });
    const result = await restarted.commit(batch);
    expect(result).toMatchObject({ rowsWritten: 2, deadLettered: 2 });
    expect(await s.query(`SELECT _offset, reason FROM ${DEAD} ORDER BY _offset`)).toEqual([
      [1, expect.stringMatching(/^not JSON/)],
      [3, 'field "id": a string cannot be stored in a long column'],
    ]);
    expect(await s.query(`SELECT id FROM ${SALES} ORDER BY id`)).toEqual([[0], [1], [2]]);
    expect(await restarted.committedPositions()).toEqual({ '9': '0', '0': '3' });
  });
});
