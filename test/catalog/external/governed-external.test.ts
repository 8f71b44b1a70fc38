import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExternalTableSpec, TableIdent } from '../../../src/catalog/index.js';
import type { Caller } from '../../../src/governance/index.js';
import { failure } from '../../failure.js';
import { externalHome, SHARED_DATA, type ExternalHome } from './external-home.js';

const flights: TableIdent = { namespace: ['bronze', 'flights'], name: 'csv_data' };
const FLIGHTS = ['bronze', 'flights', 'csv_data'];
const NAMESPACE = { kind: 'namespace' as const, path: ['bronze', 'flights'] };

const spec: ExternalTableSpec = {
  location: path.join(SHARED_DATA, 'flights', 'json'),
  format: 'ndjson',
  compression: 'none',
  columns: [
    { name: 'ORIGIN_COUNTRY_NAME', type: 'string' },
    { name: 'DEST_COUNTRY_NAME', type: 'string' },
    { name: 'count', type: 'long' },
  ],
  partitionColumns: [],
  exclude: [],
};

describe('external tables under governance', () => {
  let home: ExternalHome;
  let analyst: Caller;
  let engineer: Caller;
  let stranger: Caller;

  beforeAll(async () => {
    home = await externalHome();
    analyst = await home.user('ana');
    engineer = await home.user('eng');
    stranger = await home.user('stranger');
    await home.services.governed.createNamespace(home.admin, ['bronze', 'flights']);
    await home.grant(['USAGE', 'CREATE_TABLE'], NAMESPACE, engineer);
    // Registering raw files is an admin's call; the engineer is given the table.
    await home.services.governed.createExternalTable(home.admin, flights, spec);
    await home.services.policies.setOwner(
      home.admin,
      { kind: 'table', path: FLIGHTS },
      { kind: 'principal', name: 'eng' },
    );
    await home.grant(['USAGE'], NAMESPACE, analyst);
    await home.services.policies.createDataFilter(home.admin, {
      name: 'to_us_only',
      table: FLIGHTS,
      rowPredicate: "DEST_COUNTRY_NAME = 'United States'",
      grantees: [{ kind: 'principal', name: 'ana' }],
    });
    await home.services.policies.setColumnMask(home.admin, {
      table: FLIGHTS,
      column: 'ORIGIN_COUNTRY_NAME',
      function: 'MASK_SHOW_FIRST_4',
    });
  });

  afterAll(() => home.close());

  it('the owner may query it', async () => {
    await home.services.governed.describeTable(engineer, flights);
    const rows = await home.services.query.execute(
      engineer,
      'SELECT count(*) FROM bronze.flights.csv_data',
    );
    expect(Number(rows.rows[0]?.[0])).toBeGreaterThan(200);
  });

  it('applies the data filter and the column mask to the raw rows', async () => {
    const result = await home.services.query.execute(
      analyst,
      `SELECT DEST_COUNTRY_NAME, ORIGIN_COUNTRY_NAME, "count" FROM bronze.flights.csv_data
       WHERE ORIGIN_COUNTRY_NAME LIKE 'Irel%'`,
    );
    expect(result.rows.length).toBeGreaterThan(0);
    expect(new Set(result.rows.map((r) => r[0]))).toEqual(new Set(['United States']));
    // Masked everywhere: filtering on the raw value finds nothing, the value shows masked.
    const masked = await home.services.query.execute(
      analyst,
      `SELECT DISTINCT ORIGIN_COUNTRY_NAME FROM bronze.flights.csv_data WHERE ORIGIN_COUNTRY_NAME LIKE 'Irel%'`,
    );
    expect(masked.rows.every((r) => String(r[0]).startsWith('Irel') && r[0] !== 'Ireland')).toBe(
      true,
    );
    const events = await home.services.audit.query(home.admin, {
      principal: 'ana',
      action: 'query',
    });
    const last = events.at(-1)!;
    expect(last.policies.filters.join(' ')).toContain('to_us_only');
    expect(last.policies.masks.join(' ')).toContain('ORIGIN_COUNTRY_NAME');
  });

  it('hides the table from a caller without access, as if it did not exist', async () => {
    const err = await failure(
      home.services.query.execute(stranger, 'SELECT * FROM bronze.flights.csv_data'),
    );
    expect(err.code).toBe('TABLE_NOT_FOUND');
    const missing = await failure(home.services.governed.describeTable(stranger, flights));
    expect(missing.code).toBe('TABLE_NOT_FOUND');
  });

  it('needs an admin to register or change read options, and ALTER to change', async () => {
    const other: TableIdent = { namespace: ['bronze', 'flights'], name: 'mine' };
    const create = await failure(home.services.governed.createExternalTable(analyst, other, spec));
    expect(create.code).toBe('PERMISSION_DENIED');
    // CREATE_TABLE alone would read every raw file unfiltered: admins register them.
    const byEngineer = await failure(
      home.services.governed.createExternalTable(engineer, other, spec),
    );
    expect(byEngineer.code).toBe('PERMISSION_DENIED');
    const alter = await failure(
      home.services.governed.updateExternalTable(analyst, flights, { exclude: ['*2010*'] }),
    );
    expect(alter.code).toBe('PERMISSION_DENIED');
    const reoptions = await failure(
      home.services.governed.updateExternalTable(engineer, flights, { exclude: ['*2010*'] }),
    );
    expect(reoptions.code).toBe('PERMISSION_DENIED');
    const changed = await home.services.governed.updateExternalTable(engineer, flights, {
      setProperties: { source_system: 'bts' },
    });
    expect(changed.properties.source_system).toBe('bts');
    const excluded = await home.services.governed.updateExternalTable(home.admin, flights, {
      exclude: ['*2010*'],
    });
    expect(excluded.fileCount).toBe(5);
  });

  it('converting needs a read of the whole table: a filtered, masked reader is refused', async () => {
    await home.grant(['CREATE_TABLE'], NAMESPACE, analyst);
    const target: TableIdent = { namespace: ['bronze', 'flights'], name: 'laundered' };
    const err = await failure(
      home.services.governed.convertExternalTable(analyst, flights, target),
    );
    expect(err.code).toBe('PERMISSION_DENIED');
    expect(err.message).toContain('data filters or column masks');
    expect(await home.services.catalog.tableExists(target)).toBe(false);
  });

  it('converting needs CREATE_TABLE where the copy goes', async () => {
    await home.services.governed.createNamespace(home.admin, ['bronze', 'closed']);
    const err = await failure(
      home.services.governed.convertExternalTable(engineer, flights, {
        namespace: ['bronze', 'closed'],
        name: 'copy',
      }),
    );
    expect(err.code).toBe('PERMISSION_DENIED');
  });
});
