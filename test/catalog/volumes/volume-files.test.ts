import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import exifReader from 'exif-reader';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../../../src/app.js';
import type { CatalogChange } from '../../../src/catalog/index.js';
import { parseVolumeName } from '../../../src/catalog/index.js';
import { governedHome, type GovernedHome } from '../governed-home.js';
import { withExif } from './exif-jpeg.js';

const PHOTO = resolve('../shared/data/images/tulips/13472387874_d844478dbb.jpg');
const DOCS = parseVolumeName('bronze.media.docs');
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** The payload of the first APP1 segment (EXIF follows the SOI marker in what withExif writes). */
function exifPayload(jpeg: Buffer): Buffer {
  return jpeg.subarray(6, 4 + jpeg.readUInt16BE(4));
}

/** A three-page PDF whose pages say known words. */
async function threePagePdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const words of ['Quarterly tulip report', 'Daisy yield rose sharply', 'Appendix meadow']) {
    pdf.addPage([400, 300]).drawText(words, { x: 40, y: 200, size: 18, font });
  }
  return Buffer.from(await pdf.save());
}

describe('files of a volume', () => {
  let home: GovernedHome;
  const upload = (path: string, content: Buffer | string, overwrite = false) =>
    home.services.volumes.files.upload(
      home.admin,
      DOCS,
      path,
      Readable.from([Buffer.from(content)]),
      {
        overwrite,
      },
    );

  beforeEach(async () => {
    home = await governedHome();
    await home.services.governed.createNamespace(home.admin, ['bronze', 'media']);
    await home.services.volumes.create(home.admin, DOCS, { description: 'Documents' });
  });

  afterEach(async () => {
    await home.close();
  });

  it('reads the pages and text of a PDF, and search can read that text', async () => {
    const pdf = await threePagePdf();
    const file = await upload('reports/q1.pdf', pdf);
    expect(file).toMatchObject({
      contentType: 'application/pdf',
      sizeBytes: pdf.length,
      sha256: sha256(pdf),
      metadata: { pdf_pages: 3 },
    });
    const forSearch = await home.services.volumes.file(['bronze', 'media', 'docs'], file.id);
    for (const words of ['Quarterly tulip report', 'Daisy yield rose sharply', 'Appendix meadow']) {
      expect(forSearch?.text).toContain(words);
    }
  });

  it('reads the camera, time taken and GPS position of a photo, as exif-reader does', async () => {
    const photo = withExif(readFileSync(PHOTO), {
      make: 'Canon',
      model: 'Canon EOS 5D Mark IV',
      takenAt: '2024:04:21 09:15:30',
      latitude: [33, 51, 24.48, 'S'],
      longitude: [151, 12, 55.2, 'E'],
      altitudeMetres: 58.5,
      orientation: 6,
      iso: 400,
    });
    const independent = exifReader(exifPayload(photo));
    const [d, m, sec] = independent.GPSInfo!.GPSLatitude as number[];
    const file = await upload('camera/opera-house.jpg', photo);
    expect(file.metadata).toMatchObject({
      exif_make: independent.Image!.Make,
      exif_model: independent.Image!.Model,
      exif_taken_at: '2024-04-21 09:15:30',
      exif_orientation: 6,
      exif_iso: 400,
      exif_focal_length: 50,
      exif_exposure_time: 0.004,
      gps_altitude: 58.5,
    });
    expect(file.metadata.gps_latitude).toBeCloseTo(-(d! + m! / 60 + sec! / 3600), 9);
    expect(file.metadata.gps_longitude).toBeCloseTo(151 + 12 / 60 + 55.2 / 3600, 9);
    const sql = await home.services.query.execute(
      home.admin,
      `SELECT path, exif_taken_at, round(gps_latitude, 4) FROM bronze.media.docs WHERE exif_make = 'Canon'`,
    );
    expect(sql.rows).toEqual([['camera/opera-house.jpg', '2024-04-21T09:15:30', -33.8568]]);
  });

  it('tells the encoding and counts the lines of Latin-1 and UTF-8 text', async () => {
    const latin1 = Buffer.from(
      'Café au lait\nCrème brûlée à la française, déjà vu\nFin\n',
      'latin1',
    );
    const utf8 = Buffer.from('Grüße aus Köln\nNaïve café\nŁódź\nend without newline', 'utf8');
    const a = await upload('notes/latin1.txt', latin1);
    const b = await upload('notes/utf8.txt', utf8);
    expect(a.contentType).toBe('text/plain');
    expect(['ISO-8859-1', 'windows-1252']).toContain(a.metadata.text_encoding);
    expect(a.metadata.text_line_count).toBe(3);
    expect(b.metadata).toMatchObject({ text_encoding: 'UTF-8', text_line_count: 4 });
    const text = await home.services.volumes.file(['bronze', 'media', 'docs'], a.id);
    expect(text?.text).toContain('Crème brûlée');
  });

  it('recognises CSV and JSON by their content, whatever their names', async () => {
    expect((await upload('a.dat', 'id,name\n1,tulip\n2,daisy\n')).contentType).toBe('text/csv');
    expect((await upload('b.dat', '{"flowers": ["tulip", "daisy"]}')).contentType).toBe(
      'application/json',
    );
    expect((await upload('c.txt', readFileSync(PHOTO))).contentType).toBe('image/jpeg');
  });

  it('keeps a damaged image, saying what could not be read', async () => {
    const damaged = readFileSync(PHOTO).subarray(0, 200);
    const file = await upload('broken.jpg', damaged);
    expect(file.contentType).toBe('image/jpeg');
    expect(file.metadata.extraction_error).toMatch(/image size/);
    const sql = await home.services.query.execute(
      home.admin,
      'SELECT path, image_width, extraction_error IS NOT NULL FROM bronze.media.docs',
    );
    expect(sql.rows).toEqual([['broken.jpg', null, true]]);
  });

  it('confines paths to the volume', async () => {
    for (const path of [
      '../escape.txt',
      '/etc/passwd',
      'a//b.txt',
      'a/./b.txt',
      'a\\..\\..\\b',
      'dir/',
    ]) {
      await expect(upload(path, 'x')).rejects.toMatchObject({ code: 'INVALID_VOLUME_PATH' });
    }
  });

  it('replaces a file only when asked to', async () => {
    await upload('same.txt', 'one\n');
    await expect(upload('same.txt', 'two\n')).rejects.toMatchObject({ code: 'VOLUME_FILE_EXISTS' });
    const replaced = await upload('same.txt', 'two\nlines\n', true);
    expect(replaced.sha256).toBe(sha256('two\nlines\n'));
    const { stream } = await home.services.volumes.files.download(home.admin, DOCS, 'same.txt');
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('two\nlines\n');
  });

  it('leaves nothing visible when an upload fails half way or is too large', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1024, 65));
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(
      home.services.volumes.files.upload(home.admin, DOCS, 'half.txt', failing),
    ).rejects.toThrow('connection reset');
    const small = await createServices({
      ...home.services.config,
      server: { ...home.services.config.server, maxUploadBytes: 1000 },
    });
    try {
      await expect(
        small.volumes.files.upload(
          home.admin,
          DOCS,
          'big.bin',
          Readable.from([Buffer.alloc(5000)]),
        ),
      ).rejects.toMatchObject({ code: 'VOLUME_FILE_TOO_LARGE' });
    } finally {
      await small.close();
    }
    expect(await home.services.volumes.files.list(home.admin, DOCS)).toEqual([]);
    const objects = [];
    for await (const o of home.services.store.list('bronze/media/docs/')) objects.push(o.key);
    expect(objects).toEqual([]);
    const staged = readdirSync(join(home.dir, 'tmp')).filter((f) => f.startsWith('volume-upload'));
    expect(staged).toEqual([]);
  });

  it('keeps volume and table names apart, both ways', async () => {
    await expect(
      home.services.governed.createTable(
        home.admin,
        { namespace: ['bronze', 'media'], name: 'docs' },
        {
          columns: [{ name: 'id', type: 'long' }],
        },
      ),
    ).rejects.toMatchObject({ code: 'TABLE_NAME_TAKEN' });
    await home.services.governed.createTable(
      home.admin,
      { namespace: ['bronze', 'media'], name: 'facts' },
      {
        columns: [{ name: 'id', type: 'long' }],
      },
    );
    await expect(
      home.services.volumes.create(home.admin, parseVolumeName('bronze.media.facts')),
    ).rejects.toMatchObject({ code: 'VOLUME_NAME_TAKEN' });
    await expect(home.services.volumes.create(home.admin, DOCS)).rejects.toMatchObject({
      code: 'VOLUME_ALREADY_EXISTS',
    });
  });

  it('renames without moving files, and a drop deletes them', async () => {
    await upload('keep.txt', 'kept\n');
    const letters = parseVolumeName('bronze.media.letters');
    await home.services.volumes.rename(home.admin, DOCS, letters);
    const { file } = await home.services.volumes.files.download(home.admin, letters, 'keep.txt');
    expect(file.sha256).toBe(sha256('kept\n'));
    // The old name is free again, with a folder of its own.
    const again = await home.services.volumes.create(home.admin, DOCS);
    expect(again.fileCount).toBe(0);
    const moved = await home.services.volumes.describe(home.admin, letters);
    expect(again.location).not.toBe(moved.location);
    // Also when the renamed volume was still empty.
    await home.services.volumes.rename(home.admin, DOCS, parseVolumeName('bronze.media.empty'));
    const third = await home.services.volumes.create(home.admin, DOCS);
    const empty = await home.services.volumes.describe(
      home.admin,
      parseVolumeName('bronze.media.empty'),
    );
    expect(third.location).not.toBe(empty.location);
    await home.services.volumes.drop(home.admin, letters);
    const objects = [];
    for await (const o of home.services.store.list('bronze/media/')) objects.push(o.key);
    expect(objects.filter((k) => k.endsWith('keep.txt'))).toEqual([]);
    await expect(home.services.volumes.describe(home.admin, letters)).rejects.toMatchObject({
      code: 'VOLUME_NOT_FOUND',
    });
  });

  it('goes with its namespace only when the namespace is dropped with cascade', async () => {
    await upload('kept.txt', 'kept\n');
    await expect(
      home.services.governed.dropNamespace(home.admin, ['bronze', 'media']),
    ).rejects.toMatchObject({ code: 'NAMESPACE_NOT_EMPTY' });
    await home.services.governed.dropNamespace(home.admin, ['bronze', 'media'], { cascade: true });
    const objects = [];
    for await (const o of home.services.store.list('bronze/media/')) objects.push(o.key);
    expect(objects).toEqual([]);
    await home.services.governed.createNamespace(home.admin, ['bronze', 'media']);
    await expect(home.services.volumes.describe(home.admin, DOCS)).rejects.toMatchObject({
      code: 'VOLUME_NOT_FOUND',
    });
  });

  it('publishes its changes for search', async () => {
    const changes: CatalogChange[] = [];
    home.services.changes.subscribe(async (c) => {
      changes.push(c);
    });
    const file = await upload('x.txt', 'x\n');
    await home.services.volumes.files.delete(home.admin, DOCS, 'x.txt');
    await home.services.volumes.update(home.admin, DOCS, { description: 'Letters and reports' });
    expect(changes).toEqual([
      { kind: 'volume_file', volume: ['bronze', 'media', 'docs'], fileId: file.id },
      { kind: 'volume_file', volume: ['bronze', 'media', 'docs'], fileId: file.id, removed: true },
      { kind: 'volume', path: ['bronze', 'media', 'docs'] },
    ]);
  });
});
