import { describe, expect, it } from 'vitest';
import type { Metastore, VolumeFileInput } from '../../src/metastore/index.js';

const code = (c: string) => expect.objectContaining({ code: c });

function file(path: string, sha256: string, extra: Partial<VolumeFileInput> = {}): VolumeFileInput {
  return {
    path,
    sizeBytes: 5_000_000_000,
    sha256,
    contentType: 'image/jpeg',
    uploadedBy: 'alice',
    metadata: { image_width: 640, exif_make: 'Canon', gps_latitude: -33.8568 },
    text: null,
    ...extra,
  };
}

/** The volume repository's behaviour; runs inside the metastore contract on every backend. */
export function volumeContract(fixture: () => { store: Metastore }): void {
  describe('volumes', () => {
    async function media(store: Metastore) {
      await store.namespaces.create({ path: ['bronze', 'media'] });
      return store.volumes.create({
        namespace: ['bronze', 'media'],
        name: 'photos',
        location: 'bronze/media/photos',
        description: 'Flowers',
        owner: 'alice',
      });
    }

    it('creates, reads, lists, updates, renames and deletes volumes', async () => {
      const { store } = fixture();
      const created = await media(store);
      expect(created).toMatchObject({
        namespace: ['bronze', 'media'],
        name: 'photos',
        location: 'bronze/media/photos',
        description: 'Flowers',
        owner: 'alice',
        version: 0,
      });
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(await store.volumes.get(['bronze', 'media'], 'photos')).toEqual(created);
      expect(await store.volumes.get(['bronze', 'media'], 'nope')).toBeUndefined();
      expect(await store.volumes.locationTaken('bronze/media/photos')).toBe(true);
      expect(await store.volumes.locationTaken('bronze/media/other')).toBe(false);
      await expect(
        store.volumes.create({ namespace: ['bronze', 'media'], name: 'photos', location: 'x' }),
      ).rejects.toEqual(code('VOLUME_ALREADY_EXISTS'));
      await expect(
        store.volumes.create({ namespace: ['bronze', 'nope'], name: 'v', location: 'x' }),
      ).rejects.toEqual(code('NAMESPACE_NOT_FOUND'));

      const updated = await store.volumes.update(created.id, { description: null });
      expect(updated.description).toBeNull();
      await store.namespaces.create({ path: ['bronze', 'archive'] });
      const renamed = await store.volumes.rename(created.id, {
        namespace: ['bronze', 'archive'],
        name: 'old_photos',
      });
      expect(renamed).toMatchObject({ namespace: ['bronze', 'archive'], name: 'old_photos' });
      expect(renamed.location).toBe('bronze/media/photos');
      expect((await store.volumes.list(['bronze', 'archive'])).map((v) => v.name)).toEqual([
        'old_photos',
      ]);
      expect(await store.volumes.list(['bronze', 'media'])).toEqual([]);
      await store.volumes.delete(created.id);
      expect(await store.volumes.get(['bronze', 'archive'], 'old_photos')).toBeUndefined();
      await expect(store.volumes.delete(created.id)).rejects.toEqual(code('VOLUME_NOT_FOUND'));
    });

    it('refuses a volume with the name of a table in its namespace', async () => {
      const { store } = fixture();
      const volume = await media(store);
      await store.tables.create({
        namespace: ['bronze', 'media'],
        name: 'facts',
        kind: 'iceberg',
        metadataLocation: null,
        location: 'bronze/media/facts',
      });
      await expect(
        store.volumes.create({ namespace: ['bronze', 'media'], name: 'facts', location: 'x' }),
      ).rejects.toEqual(code('VOLUME_NAME_TAKEN'));
      await expect(
        store.volumes.rename(volume.id, { namespace: ['bronze', 'media'], name: 'facts' }),
      ).rejects.toEqual(code('VOLUME_NAME_TAKEN'));
    });

    it('keeps file records with their metadata, bumping the version on each change', async () => {
      const { store } = fixture();
      const volume = await media(store);
      const a = await store.volumes.putFile(volume.id, file('daisy/1.jpg', 'aa'), {
        overwrite: false,
      });
      expect(a).toMatchObject({ path: 'daisy/1.jpg', sizeBytes: 5_000_000_000, sha256: 'aa' });
      expect(a.uploadedAt).toBeInstanceOf(Date);
      await store.volumes.putFile(volume.id, file('tulips/2.jpg', 'bb', { text: 'words' }), {
        overwrite: false,
      });
      await expect(
        store.volumes.putFile(volume.id, file('daisy/1.jpg', 'cc'), { overwrite: false }),
      ).rejects.toEqual(code('VOLUME_FILE_EXISTS'));
      const replaced = await store.volumes.putFile(volume.id, file('daisy/1.jpg', 'cc'), {
        overwrite: true,
      });
      expect(replaced.sha256).toBe('cc');

      const read = await store.volumes.getFile(volume.id, 'tulips/2.jpg');
      expect(read).toMatchObject({
        metadata: { image_width: 640, exif_make: 'Canon', gps_latitude: -33.8568 },
        text: 'words',
      });
      expect(await store.volumes.getFileById(volume.id, replaced.id)).toEqual(replaced);
      expect((await store.volumes.listFiles(volume.id)).map((f) => f.path)).toEqual([
        'daisy/1.jpg',
        'tulips/2.jpg',
      ]);
      expect(
        (await store.volumes.listFiles(volume.id, { prefix: 'tulips/' })).map((f) => f.path),
      ).toEqual(['tulips/2.jpg']);
      expect(await store.volumes.deleteFile(volume.id, 'tulips/2.jpg')).toBe(true);
      expect(await store.volumes.deleteFile(volume.id, 'tulips/2.jpg')).toBe(false);
      expect((await store.volumes.get(['bronze', 'media'], 'photos'))?.version).toBe(4);
    });

    it('finds files by content across volumes, and forgets them with their volume', async () => {
      const { store } = fixture();
      const photos = await media(store);
      const copies = await store.volumes.create({
        namespace: ['bronze', 'media'],
        name: 'copies',
        location: 'bronze/media/copies',
      });
      await store.volumes.putFile(photos.id, file('a.jpg', 'same'), { overwrite: false });
      await store.volumes.putFile(copies.id, file('b.jpg', 'same'), { overwrite: false });
      await store.volumes.putFile(copies.id, file('c.jpg', 'other'), { overwrite: false });
      const found = await store.volumes.findByContent(['same']);
      expect(found.map((m) => `${m.volume.name}:${m.file.path}`).sort()).toEqual([
        'copies:b.jpg',
        'photos:a.jpg',
      ]);
      expect(await store.volumes.findByContent([])).toEqual([]);
      await store.volumes.delete(copies.id);
      expect((await store.volumes.findByContent(['same', 'other'])).length).toBe(1);
    });
  });
}
