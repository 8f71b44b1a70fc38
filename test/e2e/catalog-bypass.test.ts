import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExternalTableSpec, TableIdent } from '../../src/catalog/index.js';
import type { Caller } from '../../src/governance/index.js';
import { externalHome, type ExternalHome } from '../catalog/external/external-home.js';
import { governedHome, type GovernedHome } from '../catalog/governed-home.js';
import { failure } from '../failure.js';

/**
 * Ways an authenticated non-admin might read past governance through the catalog
 * features (external tables, crawlers, volumes, search). Each attempt is refused, or
 * answers without what the caller may not see.
 */

const SSN = '123-45-6789';
const body = (text: string) => Readable.from([Buffer.from(text)]);

describe('raw files outside the warehouse', () => {
  let home: ExternalHome;
  let mallory: Caller;
  const people: TableIdent = { namespace: ['bronze', 'hr'], name: 'people' };
  const notes: TableIdent = { namespace: ['bronze', 'sandbox'], name: 'notes' };
  let spec: ExternalTableSpec;

  beforeAll(async () => {
    home = await externalHome();
    home.write('people/people.csv', `id,name,ssn\n1,Ann,${SSN}\n2,Bob,987-65-4321\n`);
    spec = {
      location: pathToFileURL(`${home.landing}/people`).href,
      format: 'csv',
      compression: 'none',
      columns: [
        { name: 'id', type: 'long' },
        { name: 'name', type: 'string' },
        { name: 'ssn', type: 'string' },
      ],
      partitionColumns: [],
      exclude: [],
    };
    const { governed, policies } = home.services;
    await governed.createNamespace(home.admin, ['bronze', 'hr']);
    await governed.createNamespace(home.admin, ['bronze', 'sandbox']);
    await governed.createExternalTable(home.admin, people, spec);
    await governed.createExternalTable(home.admin, notes, spec);
    for (const table of [people, notes]) {
      await policies.setColumnMask(home.admin, {
        table: [...table.namespace, table.name],
        column: 'ssn',
        function: 'MASK_NULL',
      });
    }
    mallory = await home.user('mallory');
    await home.grant(['USAGE'], { kind: 'namespace', path: ['bronze'] }, mallory);
    await home.grant(
      ['USAGE', 'CREATE_TABLE'],
      { kind: 'namespace', path: ['bronze', 'sandbox'] },
      mallory,
    );
    await home.grant(
      ['SELECT', 'ALTER'],
      { kind: 'table', path: ['bronze', 'sandbox', 'notes'] },
      mallory,
    );
  }, 60_000);

  afterAll(() => home?.close());

  it('a CREATE_TABLE holder cannot register the raw files of a masked table as her own table', async () => {
    const copy: TableIdent = { namespace: ['bronze', 'sandbox'], name: 'people_raw' };
    const err = await failure(home.services.governed.createExternalTable(mallory, copy, spec));
    expect(err.code).toBe('PERMISSION_DENIED');
    expect(err.message).toContain('CREATE_EXTERNAL_TABLE');
    expect(await home.services.catalog.tableExists(copy)).toBe(false);
    // The right to read the external locations raw is the admin's to give, on the catalog.
    await home.grant(['CREATE_EXTERNAL_TABLE'], { kind: 'catalog', path: [] }, mallory);
    await home.services.governed.createExternalTable(mallory, copy, spec);
    expect(await home.services.catalog.tableExists(copy)).toBe(true);
    await home.services.policies.revoke(home.admin, {
      privileges: ['CREATE_EXTERNAL_TABLE'],
      securable: { kind: 'catalog', path: [] },
      grantee: { kind: 'principal', name: 'mallory' },
    });
  });

  it('an ALTER holder cannot redefine the columns of an external table to read a masked one by another name', async () => {
    const err = await failure(
      home.services.governed.updateExternalTable(mallory, notes, {
        columns: [
          { name: 'id', type: 'long' },
          { name: 'name', type: 'string' },
          { name: 'note', type: 'string' },
        ],
      }),
    );
    expect(err.code).toBe('PERMISSION_DENIED');
    const rows = await home.services.query.execute(mallory, 'SELECT * FROM bronze.sandbox.notes');
    expect(JSON.stringify(rows.rows)).not.toContain(SSN);
  });

  it('describing an external table does not name the columns a data filter hides', async () => {
    const ivan = await home.user('ivan');
    for (const path of [['bronze'], ['bronze', 'hr']]) {
      await home.grant(['USAGE'], { kind: 'namespace', path }, ivan);
    }
    await home.services.policies.createDataFilter(home.admin, {
      name: 'no_ssn',
      table: ['bronze', 'hr', 'people'],
      includeColumns: ['id', 'name'],
      grantees: [{ kind: 'principal', name: 'ivan' }],
    });
    const described = await home.services.governed.describeTable(ivan, people);
    expect(described.columns.map((c) => c.name)).toEqual(['id', 'name']);
    expect(JSON.stringify(described)).not.toContain('ssn');
  });

  it('a crawler does not let a file name with glob characters reach a link out of the locations', async () => {
    // Whoever drops files into the landing folder plants a link to a file outside it and
    // a file whose name, read by DuckDB as a pattern, matches the link.
    writeFileSync(join(home.outside, 'secret.csv'), 'ceo_salary,home_address\n9,x\n');
    const folder = join(home.landing, 'planted');
    mkdirSync(folder);
    symlinkSync(join(home.outside, 'secret.csv'), join(folder, 'link.csv'));
    writeFileSync(join(folder, '[l]ink.csv'), 'a,b\n1,2\n');
    await home.services.crawlers.create(home.admin, {
      name: 'planted',
      targets: [pathToFileURL(folder).href],
      namespace: 'bronze.planted',
    });
    const run = await home.services.crawlers.run(home.admin, 'planted');
    const tables = await home.services.governed.listTables(home.admin, ['bronze', 'planted']);
    const described = await Promise.all(
      tables.map((t) => home.services.governed.describeTable(home.admin, t)),
    );
    expect(JSON.stringify({ run, described })).not.toMatch(/ceo_salary|home_address/);
  });

  it('a CREATE_TABLE holder cannot point a crawler (run as herself) at the raw files', async () => {
    const err = await failure(
      home.services.crawlers.create(mallory, {
        name: 'grab',
        targets: [pathToFileURL(home.landing).href],
        namespace: 'bronze.sandbox',
      }),
    );
    expect(err.code).toBe('PERMISSION_DENIED');
  });
});

describe('search', () => {
  let home: GovernedHome;
  let eve: Caller;

  beforeAll(async () => {
    home = await governedHome();
    const { governed, volumes } = home.services;
    await governed.createNamespace(home.admin, ['bronze', 'media']);
    await governed.createNamespace(home.admin, ['bronze', 'secret']);
    await governed.createNamespace(home.admin, ['bronze', 'open']);
    const docs = { namespace: ['bronze', 'media'], name: 'docs' };
    await volumes.create(home.admin, docs);
    await volumes.files.upload(
      home.admin,
      docs,
      'board/minutes.txt',
      body('The board approved the confidential merger with Initrode at 42 dollars a share.\n'),
    );
    const columns = [{ name: 'id', type: 'long' as const }];
    await governed.createTable(
      home.admin,
      { namespace: ['bronze', 'secret'], name: 'layoffs' },
      { columns, description: 'zebracorn quokkaplan for the night shift' },
    );
    await governed.createTable(
      home.admin,
      { namespace: ['bronze', 'open'], name: 'menu' },
      { columns, description: 'zebracorn canteen menu' },
    );
    eve = await home.user('eve');
    await home.grant(['DESCRIBE'], { kind: 'volume', path: ['bronze', 'media', 'docs'] }, eve);
    await home.grant(['DESCRIBE'], { kind: 'namespace', path: ['bronze', 'open'] }, eve);
  }, 60_000);

  afterAll(() => home?.close());

  it('does not show the files or text of a volume the caller may only DESCRIBE', async () => {
    const listed = await failure(
      home.services.volumes.files.list(eve, { namespace: ['bronze', 'media'], name: 'docs' }),
    );
    expect(listed.code).toBe('PERMISSION_DENIED');
    const answer = await home.services.search.search(eve, { q: 'merger' });
    expect(JSON.stringify(answer)).not.toContain('Initrode');
    expect(answer.results.map((r) => r.kind)).not.toContain('volume_file');
  });

  it('an upload does not name files of a volume the caller may only DESCRIBE as its duplicates', async () => {
    const mine = { namespace: ['bronze', 'open'], name: 'scratch' };
    await home.services.volumes.create(home.admin, mine);
    await home.grant(
      ['READ_VOLUME', 'WRITE_VOLUME'],
      { kind: 'volume', path: ['bronze', 'open', 'scratch'] },
      eve,
    );
    // A guess at the minutes: a match would confirm their exact text and show their path.
    const guess =
      'The board approved the confidential merger with Initrode at 42 dollars a share.\n';
    const uploaded = await home.services.volumes.files.upload(eve, mine, 'guess.txt', body(guess));
    expect(uploaded.duplicates).toEqual([]);
    expect(await home.services.volumes.files.duplicates(eve, mine)).toEqual([]);
  });

  it('gives the same answer whether or not a hidden table matches every word', async () => {
    // The hidden table holds both words, the visible one only the first: an all-words
    // search finds nothing the caller may see, so it must widen to any word as usual.
    const answer = await home.services.search.search(eve, { q: 'zebracorn quokkaplan' });
    expect(answer.results.map((r) => r.fullName)).toEqual(['bronze.open.menu']);
  });

  it('never offers a word of a hidden table as a correction', async () => {
    const answer = await home.services.search.search(eve, { q: 'quokkaplam' });
    expect(JSON.stringify(answer.corrections)).not.toContain('quokkaplan');
    expect(answer.results).toEqual([]);
  });
});

describe('columns a data filter leaves out', () => {
  let home: GovernedHome;
  let ivy: Caller;
  const STAFF = ['bronze', 'hr', 'staff'];

  beforeAll(async () => {
    home = await governedHome();
    const { governed, policies, metadata } = home.services;
    await governed.createNamespace(home.admin, ['bronze', 'hr']);
    await governed.createTable(
      home.admin,
      { namespace: ['bronze', 'hr'], name: 'staff' },
      {
        columns: [
          { name: 'id', type: 'long' },
          { name: 'bonuspool', type: 'long' },
        ],
      },
    );
    await metadata.describeColumns(home.admin, STAFF, {
      bonuspool: 'goldenparachute reserved for the departing chief executive',
    });
    await metadata.describeColumns(home.admin, STAFF, {
      bonuspool: 'reserved for the board',
    });
    ivy = await home.user('ivy');
    for (const path of [['bronze'], ['bronze', 'hr']]) {
      await home.grant(['USAGE'], { kind: 'namespace', path }, ivy);
    }
    await policies.createDataFilter(home.admin, {
      name: 'ids_only',
      table: STAFF,
      includeColumns: ['id'],
      grantees: [{ kind: 'principal', name: 'ivy' }],
    });
  }, 60_000);

  afterAll(() => home?.close());

  it('the metadata history does not show the old descriptions of a hidden column', async () => {
    const target = { kind: 'table' as const, path: STAFF };
    const shown = await home.services.metadata.show(ivy, target);
    expect(shown.columns.map((c) => c.name)).toEqual(['id']);
    const history = await home.services.metadata.history(ivy, target);
    expect(JSON.stringify(history)).not.toMatch(/bonuspool|goldenparachute/);
  });

  it('classification suggestions do not name a hidden column', async () => {
    const staff = { namespace: ['bronze', 'hr'], name: 'staff' };
    await home.append(
      staff,
      'SELECT * FROM (VALUES (1, 4111111111111111), (2, 5500005555555559), (3, 4012888888881881)) t(id, bonuspool)',
    );
    const found = await home.services.classifications.classify(home.admin, staff);
    expect(found.suggestions.map((s) => s.column)).toContain('bonuspool');
    const listed = await home.services.classifications.list(ivy, { table: staff });
    expect(listed.map((s) => s.column)).not.toContain('bonuspool');
    const all = await home.services.classifications.list(ivy);
    expect(all.map((s) => s.column)).not.toContain('bonuspool');
  });

  it('search does not show a hidden column by name or description', async () => {
    const answer = await home.services.search.search(ivy, { q: 'board' });
    expect(JSON.stringify(answer)).not.toMatch(/bonuspool/);
    const named = await home.services.search.search(ivy, { q: 'bonuspool' });
    expect(JSON.stringify(named.results)).not.toMatch(/bonuspool/);
  });
});

describe('a volume and a table in one folder', () => {
  let home: GovernedHome;

  beforeAll(async () => {
    home = await governedHome();
  }, 60_000);

  afterAll(() => home?.close());

  it("a volume's writer neither overwrites nor deletes the files of a table under its folder", async () => {
    const { governed, volumes } = home.services;
    await governed.createNamespace(home.admin, ['bronze', 'media']);
    const mallory = await home.user('mallory');
    await home.grant(['USAGE'], { kind: 'namespace', path: ['bronze'] }, mallory);
    await home.grant(
      ['USAGE', 'CREATE_VOLUME'],
      { kind: 'namespace', path: ['bronze', 'media'] },
      mallory,
    );
    // Her (still empty) volume x has the folder bronze/media/x, where the tables of the
    // namespace bronze.media.x live too: the table `files` lands on her volume's files.
    const x = { namespace: ['bronze', 'media'], name: 'x' };
    await volumes.create(mallory, x);
    await governed.createNamespace(home.admin, ['bronze', 'media', 'x']);
    const table = { namespace: ['bronze', 'media', 'x'], name: 'files' };
    await governed.createTable(home.admin, table, { columns: [{ name: 'id', type: 'long' }] });
    await home.append(table, 'SELECT * FROM (VALUES (1), (2)) t(id)');
    const { metadataLocation } = await governed.describeTable(home.admin, table);
    const inVolume = metadataLocation!.slice(metadataLocation!.indexOf('/x/files/') + 9);

    await volumes.files
      .upload(mallory, x, inVolume, body('{"not": "iceberg"}'), { overwrite: true })
      .catch(() => undefined);
    expect((await governed.describeTable(home.admin, table)).recordCount).toBe(2);
    await volumes.drop(mallory, x);
    expect((await governed.describeTable(home.admin, table)).recordCount).toBe(2);
  });
});
