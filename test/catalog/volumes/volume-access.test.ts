import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseVolumeName } from '../../../src/catalog/index.js';
import type { Caller } from '../../../src/governance/index.js';
import { governedHome, type GovernedHome } from '../governed-home.js';

const PHOTOS = parseVolumeName('bronze.media.photos');
const MEDIA = { kind: 'namespace' as const, path: ['bronze', 'media'] };
const body = (text: string) => Readable.from([Buffer.from(text)]);

describe('who may do what with volumes', () => {
  let home: GovernedHome;
  let creator: Caller;
  let reader: Caller;

  beforeEach(async () => {
    home = await governedHome();
    await home.services.governed.createNamespace(home.admin, ['bronze', 'media']);
    creator = await home.user('carla');
    reader = await home.user('rhea', ['analysts']);
  });

  afterEach(async () => {
    await home.close();
  });

  it('creating needs CREATE_VOLUME on the namespace, and the creator owns what it made', async () => {
    await expect(home.services.volumes.create(creator, PHOTOS)).rejects.toMatchObject({
      code: 'NAMESPACE_NOT_FOUND',
    });
    await home.grant(['USAGE', 'CREATE_VOLUME'], MEDIA, creator);
    const created = await home.services.volumes.create(creator, PHOTOS, { description: 'mine' });
    expect(created.owner).toBe('carla');
    // As its owner: upload, read, query and drop without any other grant.
    await home.services.volumes.files.upload(creator, PHOTOS, 'a.txt', body('hello\n'));
    expect((await home.services.volumes.files.list(creator, PHOTOS)).map((f) => f.path)).toEqual([
      'a.txt',
    ]);
    const sql = await home.services.query.execute(
      creator,
      'SELECT path, text_line_count FROM bronze.media.photos',
    );
    expect(sql.rows).toEqual([['a.txt', 1]]);
    await home.services.volumes.drop(creator, PHOTOS);
  });

  it('READ_VOLUME on a namespace opens its volumes to a group, but not for writing', async () => {
    await home.services.volumes.create(home.admin, PHOTOS);
    await home.services.volumes.files.upload(home.admin, PHOTOS, 'daisy/a.txt', body('a\n'));
    await expect(home.services.volumes.files.list(reader, PHOTOS)).rejects.toMatchObject({
      code: 'VOLUME_NOT_FOUND',
    });
    await home.grant(['READ_VOLUME'], MEDIA, 'analysts');
    expect(await home.services.volumes.files.list(reader, PHOTOS, 'daisy/')).toHaveLength(1);
    const count = await home.services.query.execute(
      reader,
      'SELECT count(*) FROM bronze.media.photos',
    );
    expect(Number(count.rows[0]![0])).toBe(1);
    await expect(
      home.services.volumes.files.upload(reader, PHOTOS, 'mine.txt', body('x')),
    ).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(
      home.services.volumes.files.delete(reader, PHOTOS, 'daisy/a.txt'),
    ).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(home.services.volumes.drop(reader, PHOTOS)).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
  });

  it('WRITE_VOLUME alone lets a loader upload without reading back', async () => {
    await home.services.volumes.create(home.admin, PHOTOS);
    const loader = await home.user('lou');
    await home.grant(
      ['WRITE_VOLUME'],
      { kind: 'volume', path: ['bronze', 'media', 'photos'] },
      loader,
    );
    await home.services.volumes.files.upload(loader, PHOTOS, 'in.txt', body('in\n'));
    await expect(
      home.services.volumes.files.download(loader, PHOTOS, 'in.txt'),
    ).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    await expect(
      home.services.query.execute(loader, 'SELECT * FROM bronze.media.photos'),
    ).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('grants follow a rename, and listings show only what the caller may see', async () => {
    await home.services.volumes.create(home.admin, PHOTOS);
    await home.services.volumes.create(home.admin, parseVolumeName('bronze.media.secret'));
    await home.grant(
      ['READ_VOLUME'],
      { kind: 'volume', path: ['bronze', 'media', 'photos'] },
      reader,
    );
    expect(
      (await home.services.volumes.list(reader, ['bronze', 'media'])).map((v) => v.name),
    ).toEqual(['bronze.media.photos']);
    const flowers = parseVolumeName('bronze.media.flowers');
    await home.services.volumes.rename(home.admin, PHOTOS, flowers);
    expect(await home.services.volumes.files.list(reader, flowers)).toEqual([]);
    await expect(home.services.volumes.files.list(reader, PHOTOS)).rejects.toMatchObject({
      code: 'VOLUME_NOT_FOUND',
    });
  });

  it('listing a hidden namespace fails exactly like listing a missing one', async () => {
    await home.services.governed.createNamespace(home.admin, ['bronze', 'vault']);
    await home.services.volumes.create(home.admin, parseVolumeName('bronze.vault.keys'));
    const hidden = await home.services.volumes
      .list(reader, ['bronze', 'vault'])
      .catch((e: Error) => e);
    const missing = await home.services.volumes
      .list(reader, ['bronze', 'nowhere'])
      .catch((e: Error) => e);
    expect(hidden).toMatchObject({ code: 'NAMESPACE_NOT_FOUND' });
    expect((hidden as Error).message).toBe((missing as Error).message.replace('nowhere', 'vault'));
  });

  it('duplicates are reported only from volumes the caller can see', async () => {
    const secret = parseVolumeName('bronze.media.secret');
    await home.services.volumes.create(home.admin, PHOTOS);
    await home.services.volumes.create(home.admin, secret);
    await home.services.volumes.files.upload(home.admin, secret, 'hidden.txt', body('same\n'));
    await home.grant(
      ['READ_VOLUME', 'WRITE_VOLUME'],
      { kind: 'volume', path: ['bronze', 'media', 'photos'] },
      reader,
    );
    const mine = await home.services.volumes.files.upload(
      reader,
      PHOTOS,
      'open.txt',
      body('same\n'),
    );
    expect(mine.duplicates).toEqual([]);
    const forAdmin = await home.services.volumes.files.duplicates(home.admin, PHOTOS);
    expect(forAdmin[0]?.files).toEqual([
      { volume: 'bronze.media.photos', path: 'open.txt' },
      { volume: 'bronze.media.secret', path: 'hidden.txt' },
    ]);
    expect(await home.services.volumes.files.duplicates(reader, PHOTOS)).toEqual([]);
  });

  it('every use case leaves one audit event, refusals as denials', async () => {
    await home.services.volumes.create(home.admin, PHOTOS);
    await home.services.volumes.files.list(reader, PHOTOS).catch(() => undefined);
    await home.services.volumes.files.upload(home.admin, PHOTOS, 'x.txt', body('x'));
    const denied = await home.events('rhea', 'volume.list_files');
    expect(denied.map((e) => [e.decision, e.resource])).toEqual([
      ['deny', 'volume:bronze.media.photos'],
    ]);
    const uploads = await home.events('admin', 'volume.upload');
    expect(uploads.map((e) => e.decision)).toEqual(['allow']);
  });
});
