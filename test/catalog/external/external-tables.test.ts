import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExternalTableSpec, TableIdent } from '../../../src/catalog/index.js';
import { openSession } from '../../../src/engine/index.js';
import { failure } from '../../failure.js';
import { externalHome, SHARED_DATA, type ExternalHome } from './external-home.js';

const FLIGHTS_CSV = path.join(SHARED_DATA, 'flights', 'csv');
const csvData: TableIdent = { namespace: ['bronze', 'flights'], name: 'csv_data' };

const flightsSpec = (location: string): ExternalTableSpec => ({
  location,
  format: 'csv',
  compression: 'none',
  csv: { delimiter: ',', quote: '"', escape: '"', header: true },
  columns: [
    { name: 'DEST_COUNTRY_NAME', type: 'string' },
    { name: 'ORIGIN_COUNTRY_NAME', type: 'string' },
    { name: 'count', type: 'long' },
  ],
  partitionColumns: [],
  exclude: [],
});

describe('external tables: raw files registered in place', () => {
  let home: ExternalHome;
  const query = async (sql: string) => (await home.services.query.execute(home.admin, sql)).rows;

  beforeAll(async () => {
    home = await externalHome();
    await home.services.governed.createNamespace(home.admin, ['bronze', 'flights']);
    await home.services.governed.createNamespace(home.admin, ['bronze', 'landing']);
    await home.services.governed.createExternalTable(
      home.admin,
      csvData,
      flightsSpec(pathToFileURL(FLIGHTS_CSV).href),
      { description: 'Flight counts as delivered', properties: { source_system: 'bts' } },
    );
  });

  afterAll(() => home.close());

  it('describes the table: kind, location, format, dialect, columns, file count and size', async () => {
    const table = await home.services.governed.describeTable(home.admin, csvData);
    const files = fs.readdirSync(FLIGHTS_CSV);
    const size = files.reduce((sum, f) => sum + fs.statSync(path.join(FLIGHTS_CSV, f)).size, 0);
    expect(table).toMatchObject({
      kind: 'external',
      location: pathToFileURL(FLIGHTS_CSV).href,
      metadataLocation: null,
      description: 'Flight counts as delivered',
      owner: home.admin.principal.name,
      properties: { source_system: 'bts' },
      fileCount: files.length,
      sizeBytes: size,
      external: { format: 'csv', csv: { delimiter: ',', header: true } },
    });
    expect(table.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'DEST_COUNTRY_NAME:string',
      'ORIGIN_COUNTRY_NAME:string',
      'count:long',
    ]);
    const listed = await home.services.governed.listTables(home.admin, ['bronze', 'flights']);
    expect(listed).toEqual([
      { namespace: ['bronze', 'flights'], name: 'csv_data', kind: 'external' },
    ]);
  });

  it('answers SQL over the raw files exactly as DuckDB reads them directly', async () => {
    const rows = await query(
      `SELECT ORIGIN_COUNTRY_NAME, sum("count") AS total FROM bronze.flights.csv_data
       WHERE DEST_COUNTRY_NAME = 'United States' GROUP BY 1 ORDER BY 2 DESC LIMIT 5`,
    );
    const session = await openSession({
      memoryLimit: '256MB',
      tempDir: path.join(home.dir, 'tmp'),
    });
    try {
      const expected = await session.all<{ o: string; t: string }>(
        `SELECT ORIGIN_COUNTRY_NAME AS o, sum("count") AS t FROM read_csv('${FLIGHTS_CSV}/*.csv')
         WHERE DEST_COUNTRY_NAME = 'United States' GROUP BY 1 ORDER BY 2 DESC LIMIT 5`,
      );
      expect(rows).toEqual(expected.map((r) => [r.o, Number(r.t)]));
    } finally {
      session.close();
    }
    expect(rows[0]?.[0]).toBe('United States');
  });

  it('lists files at query time: a new file counts at once, hidden, _ and excluded files never', async () => {
    const ident: TableIdent = { namespace: ['bronze', 'landing'], name: 'events' };
    home.write('events/day=1/a.csv', 'id,name\n1,a\n');
    home.write('events/_SUCCESS', '');
    home.write('events/.a.csv.crc', 'junk');
    home.write('events/_temporary/x.csv', 'id,name\n99,tmp\n');
    home.write('events/archive/old.csv', 'id,name\n98,old\n');
    home.write('events/notes.md', '# not data');
    await home.services.governed.createExternalTable(home.admin, ident, {
      ...flightsSpec(path.join(home.landing, 'events')),
      columns: [
        { name: 'id', type: 'long' },
        { name: 'name', type: 'string' },
      ],
      exclude: ['archive/**'],
    });
    const ids = async () =>
      (await query('SELECT id FROM bronze.landing.events ORDER BY id')).map((r) => r[0]);
    expect(await ids()).toEqual([1]);
    home.write('events/day=2/b.csv.gz', zlib.gzipSync('id,name\n2,b\n'));
    expect(await ids()).toEqual([1, 2]);
    const described = await home.services.governed.describeTable(home.admin, ident);
    expect(described.fileCount).toBe(2);
    // A name DuckDB would read as a pattern is refused, unless excluded.
    home.write('events/day=3/*.csv', 'id,name\n3,star\n');
    expect((await failure(ids())).code).toBe('EXTERNAL_FILE_NAME_UNREADABLE');
    await home.services.governed.updateExternalTable(home.admin, ident, {
      exclude: ['archive/**', 'day=3/**'],
    });
    expect(await ids()).toEqual([1, 2]);
    // Unexcluding the archive is a change of the table, visible on the next query.
    await home.services.governed.updateExternalTable(home.admin, ident, {
      exclude: ['day=3/**'],
    });
    expect(await ids()).toEqual([1, 2, 98]);
  });

  it('refuses locations outside catalog.externalLocations, naming them and the fix', async () => {
    const ident: TableIdent = { namespace: ['bronze', 'landing'], name: 'stolen' };
    const err = await failure(
      home.services.governed.createExternalTable(home.admin, ident, flightsSpec(home.outside)),
    );
    expect(err.code).toBe('EXTERNAL_LOCATION_NOT_ALLOWED');
    expect(err.message).toContain(SHARED_DATA);
    expect(err.hint).toContain('catalog.externalLocations');
    expect(err.hint).toContain('lakeward.yaml');
    const dots = await failure(
      home.services.governed.createExternalTable(
        home.admin,
        ident,
        flightsSpec(`${home.landing}/../outside`),
      ),
    );
    expect(dots.code).toBe('INVALID_EXTERNAL_LOCATION');
    const relative = await failure(
      home.services.governed.createExternalTable(home.admin, ident, flightsSpec('data/flights')),
    );
    expect(relative.code).toBe('INVALID_EXTERNAL_LOCATION');
    expect(await home.services.catalog.tableExists(ident)).toBe(false);
  });

  it('refuses a folder link that leads outside, and a file link that escapes at query time', async () => {
    fs.writeFileSync(path.join(home.outside, 'secret.csv'), 'id,name\n7,secret\n');
    fs.symlinkSync(home.outside, path.join(home.landing, 'linked'));
    const linked = await failure(
      home.services.governed.createExternalTable(
        home.admin,
        { namespace: ['bronze', 'landing'], name: 'linked' },
        flightsSpec(path.join(home.landing, 'linked')),
      ),
    );
    expect(linked.code).toBe('EXTERNAL_LOCATION_NOT_ALLOWED');

    const ident: TableIdent = { namespace: ['bronze', 'landing'], name: 'escape' };
    home.write('escape/ok.csv', 'id,name\n1,ok\n');
    await home.services.governed.createExternalTable(home.admin, ident, {
      ...flightsSpec(path.join(home.landing, 'escape')),
      columns: [
        { name: 'id', type: 'long' },
        { name: 'name', type: 'string' },
      ],
    });
    expect(await query('SELECT name FROM bronze.landing.escape')).toEqual([['ok']]);
    fs.symlinkSync(
      path.join(home.outside, 'secret.csv'),
      path.join(home.landing, 'escape', 'evil.csv'),
    );
    const escaped = await failure(query('SELECT name FROM bronze.landing.escape'));
    expect(escaped.code).toBe('EXTERNAL_LOCATION_NOT_ALLOWED');
    expect(escaped.message).toContain('evil.csv');
    expect(JSON.stringify(escaped)).not.toContain('secret,');
  });

  it('refuses time travel and every write, saying to convert the table first', async () => {
    const travel = await failure(query('SELECT * FROM bronze.flights.csv_data AT (VERSION => 1)'));
    expect(travel.code).toBe('EXTERNAL_TABLE_NO_TIME_TRAVEL');
    const { governed, ingest } = home.services;
    const writes = [
      governed.deleteRows(home.admin, csvData, "DEST_COUNTRY_NAME = 'x'"),
      governed.evolveSchema(home.admin, csvData, [{ kind: 'add', name: 'x', type: 'string' }]),
      governed.rollback(home.admin, csvData, 1n),
      governed.snapshots(home.admin, csvData),
      ingest.ingest(home.admin, {
        paths: [path.join(FLIGHTS_CSV, '2010-summary.csv')],
        table: csvData,
      }),
    ];
    for (const write of writes) {
      const err = await failure(write);
      expect(err.code).toBe('NOT_AN_ICEBERG_TABLE');
      expect(err.hint).toContain('lakeward table convert bronze.flights.csv_data');
    }
  });

  it('follows renames, and a drop removes only the registration, never the files', async () => {
    const ident: TableIdent = { namespace: ['bronze', 'landing'], name: 'kept' };
    const file = home.write('kept/a.csv', 'id,name\n5,five\n');
    await home.services.governed.createExternalTable(home.admin, ident, {
      ...flightsSpec(path.join(home.landing, 'kept')),
      columns: [
        { name: 'id', type: 'long' },
        { name: 'name', type: 'string' },
      ],
    });
    const renamed: TableIdent = { namespace: ['bronze', 'flights'], name: 'kept_v2' };
    await home.services.governed.renameTable(home.admin, ident, renamed);
    expect(await query('SELECT name FROM bronze.flights.kept_v2')).toEqual([['five']]);
    await home.services.governed.dropTable(home.admin, renamed);
    await home.services.governed.dropNamespace(home.admin, ['bronze', 'landing'], {
      cascade: true,
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('id,name\n5,five\n');
    expect(fs.existsSync(path.join(home.landing, 'escape', 'ok.csv'))).toBe(true);
    expect(fs.readdirSync(FLIGHTS_CSV)).toHaveLength(6);
    expect(await home.services.catalog.tableExists(renamed)).toBe(false);
  });

  it('checks the spec: known format, one-character dialect, parseable types', async () => {
    const ident: TableIdent = { namespace: ['bronze', 'flights'], name: 'bad' };
    const base = flightsSpec(FLIGHTS_CSV);
    const cases: [Partial<ExternalTableSpec>, string][] = [
      [{ format: 'orc' as ExternalTableSpec['format'] }, 'INVALID_EXTERNAL_TABLE'],
      [
        { csv: { delimiter: '||', quote: '"', escape: '"', header: true } },
        'INVALID_EXTERNAL_TABLE',
      ],
      [{ columns: [{ name: 'a', type: 'list<strin>' }] }, 'INVALID_TYPE'],
      [{ columns: [] }, 'INVALID_EXTERNAL_TABLE'],
      [{ partitionColumns: [{ name: 'count', type: 'int' }] }, 'INVALID_EXTERNAL_TABLE'],
    ];
    for (const [patch, code] of cases) {
      const err = await failure(
        home.services.governed.createExternalTable(home.admin, ident, { ...base, ...patch }),
      );
      expect(err.code).toBe(code);
    }
  });
});
