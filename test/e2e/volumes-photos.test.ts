import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import exifReader from 'exif-reader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/governance/index.js';
import { parseVolumeName } from '../../src/catalog/index.js';
import { governedHome, type GovernedHome } from '../catalog/governed-home.js';

/** The 160 photos of the shared data, read in place. */
const IMAGES = resolve('../shared/data/images');
const FOLDERS = ['daisy', 'tulips'];
const VOLUME = parseVolumeName('bronze.media.photos');

interface Photo {
  path: string;
  bytes: Buffer;
}

function photos(): Photo[] {
  return FOLDERS.flatMap((folder) =>
    readdirSync(join(IMAGES, folder))
      .filter((name) => name.endsWith('.jpg'))
      .sort()
      .map((name) => ({
        path: `${folder}/${name}`,
        bytes: readFileSync(join(IMAGES, folder, name)),
      })),
  );
}

/** The independent reading: width and height from the JPEG start-of-frame marker. */
function jpegSize(bytes: Buffer): { width: number; height: number } {
  let at = 2;
  while (at < bytes.length) {
    if (bytes[at] !== 0xff) throw new Error(`no marker at ${at}`);
    const marker = bytes[at + 1]!;
    const length = bytes.readUInt16BE(at + 2);
    // SOF0…SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    }
    at += 2 + length;
  }
  throw new Error('no SOF marker');
}

/** The EXIF payload of the APP1 segment, if the file has one. */
function exifSegment(bytes: Buffer): Buffer | undefined {
  let at = 2;
  while (at + 4 < bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1]!;
    const length = bytes.readUInt16BE(at + 2);
    const payload = bytes.subarray(at + 4, at + 2 + length);
    if (marker === 0xe1 && payload.subarray(0, 6).toString('latin1') === 'Exif\0\0') return payload;
    if (marker === 0xda) return undefined;
    at += 2 + length;
  }
  return undefined;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('a volume of the 160 shared photos', () => {
  let home: GovernedHome;
  let viewer: Caller;
  let outsider: Caller;
  const all = photos();

  beforeAll(async () => {
    home = await governedHome();
    const { services, admin } = home;
    await services.governed.createNamespace(admin, ['bronze', 'media']);
    await services.volumes.create(admin, VOLUME, { description: 'Flower photos' });
    for (const photo of all) {
      const source = createReadStream(join(IMAGES, photo.path));
      await services.volumes.files.upload(admin, VOLUME, photo.path, source);
    }
    viewer = await home.user('viola');
    outsider = await home.user('otto');
    await home.grant(
      ['READ_VOLUME'],
      { kind: 'volume', path: ['bronze', 'media', 'photos'] },
      viewer,
    );
  }, 120_000);

  afterAll(async () => {
    await home?.close();
  });

  it('has every photo, with the size, checksum and dimensions an independent reading gives', async () => {
    expect(all).toHaveLength(160);
    const listed = await home.services.volumes.files.list(home.admin, VOLUME);
    expect(listed.map((f) => f.path)).toEqual(all.map((p) => p.path));
    const byPath = new Map(listed.map((f) => [f.path, f]));
    for (const photo of all) {
      const file = byPath.get(photo.path)!;
      const { width, height } = jpegSize(photo.bytes);
      expect(file.sizeBytes).toBe(photo.bytes.length);
      expect(file.sha256).toBe(sha256(photo.bytes));
      expect(file.contentType).toBe('image/jpeg');
      expect(file.metadata.image_width).toBe(width);
      expect(file.metadata.image_height).toBe(height);
      expect(file.metadata.extraction_error).toBeUndefined();
    }
    const description = await home.services.volumes.describe(home.admin, VOLUME);
    expect(description.fileCount).toBe(160);
    expect(description.totalBytes).toBe(all.reduce((sum, p) => sum + p.bytes.length, 0));
  });

  it('records the EXIF of the photos that carry it, as exif-reader reads it', async () => {
    const listed = await home.services.volumes.files.list(home.admin, VOLUME);
    const byPath = new Map(listed.map((f) => [f.path, f]));
    let withTime = 0;
    for (const photo of all) {
      const segment = exifSegment(photo.bytes);
      const exif = segment === undefined ? undefined : exifReader(segment);
      const file = byPath.get(photo.path)!;
      expect(file.metadata.exif_make ?? null).toBe(exif?.Image?.Make?.trim() ?? null);
      expect(file.metadata.exif_model ?? null).toBe(exif?.Image?.Model?.trim() ?? null);
      const taken = exif?.Photo?.DateTimeOriginal;
      if (taken instanceof Date) {
        withTime++;
        // exif-reader reads the wall-clock time as UTC; we keep it as the wall-clock time.
        expect(file.metadata.exif_taken_at).toBe(
          taken.toISOString().slice(0, 19).replace('T', ' '),
        );
      } else {
        expect(file.metadata.exif_taken_at).toBeUndefined();
      }
    }
    expect(withTime).toBeGreaterThanOrEqual(2);
  });

  it('is a SQL table: counts per folder and the widest and narrowest photos', async () => {
    const result = await home.services.query.execute(
      viewer,
      `SELECT split_part(path, '/', 1) AS folder, count(*) AS n, min(image_width) AS narrowest,
              max(image_width) AS widest, sum(size_bytes) AS bytes
       FROM bronze.media.photos GROUP BY folder ORDER BY folder`,
    );
    const expected = FOLDERS.map((folder) => {
      const mine = all.filter((p) => p.path.startsWith(`${folder}/`));
      const widths = mine.map((p) => jpegSize(p.bytes).width);
      return [
        folder,
        mine.length,
        Math.min(...widths),
        Math.max(...widths),
        mine.reduce((s, p) => s + p.bytes.length, 0),
      ];
    });
    expect(result.rows.map((r) => r.map(Number).map((n, i) => (i === 0 ? r[0] : n)))).toEqual(
      expected,
    );
    const taken = await home.services.query.execute(
      viewer,
      `SELECT count(*) FROM bronze.media.photos WHERE exif_taken_at IS NOT NULL AND content_type = 'image/jpeg'`,
    );
    expect(Number(taken.rows[0]![0])).toBeGreaterThanOrEqual(2);
  });

  it('is closed to a user without READ_VOLUME: no listing, no download, no SQL', async () => {
    const files = home.services.volumes.files;
    await expect(files.list(outsider, VOLUME)).rejects.toMatchObject({ code: 'VOLUME_NOT_FOUND' });
    await expect(files.download(outsider, VOLUME, all[0]!.path)).rejects.toMatchObject({
      code: 'VOLUME_NOT_FOUND',
    });
    // In SQL a volume the caller cannot see fails exactly like a table that is not there.
    const hidden = await home.services.query
      .execute(outsider, 'SELECT count(*) FROM bronze.media.photos')
      .catch((err: unknown) => err);
    const missing = await home.services.query
      .execute(outsider, 'SELECT count(*) FROM bronze.media.nothing')
      .catch((err: unknown) => err);
    expect(hidden).toMatchObject({ code: 'TABLE_NOT_FOUND' });
    expect((hidden as Error).message).toBe((missing as Error).message.replace('nothing', 'photos'));
    expect(
      await home.services.volumes.list(outsider, ['bronze', 'media']).catch((e: unknown) => e),
    ).toMatchObject({ code: 'NAMESPACE_NOT_FOUND' });
  });

  it('is open to a user with READ_VOLUME, who downloads the same bytes', async () => {
    const photo = all[42]!;
    const { file, stream } = await home.services.volumes.files.download(viewer, VOLUME, photo.path);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(photo.bytes)).toBe(true);
    expect(file.sha256).toBe(sha256(photo.bytes));
    const shown = await home.services.volumes.list(viewer, ['bronze', 'media']);
    expect(shown.map((v) => v.name)).toEqual(['bronze.media.photos']);
  });

  it('finds a photo uploaded twice under another name', async () => {
    const photo = all[7]!;
    const again = await home.services.volumes.files.upload(
      home.admin,
      VOLUME,
      'copies/same-flower.jpg',
      createReadStream(join(IMAGES, photo.path)),
    );
    expect(again.duplicateOf).toEqual({ volume: 'bronze.media.photos', path: photo.path });
    const groups = await home.services.volumes.files.duplicates(viewer, VOLUME);
    const group = groups.find((g) => g.sha256 === sha256(photo.bytes));
    expect(group?.files.map((f) => f.path).sort()).toEqual(
      ['copies/same-flower.jpg', photo.path].sort(),
    );
    const sql = await home.services.query.execute(
      viewer,
      `SELECT path, duplicate_of FROM bronze.media.photos WHERE duplicate_of IS NOT NULL`,
    );
    expect(sql.rows).toEqual([['copies/same-flower.jpg', photo.path]]);
    await home.services.volumes.files.delete(home.admin, VOLUME, 'copies/same-flower.jpg');
  });
});
