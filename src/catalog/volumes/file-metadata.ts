import { readFile } from 'node:fs/promises';
import chardet from 'chardet';
import exifr from 'exifr';
import { imageSizeFromFile } from 'image-size/fromFile';
import type { VolumeMetadataValue } from '../../metastore/index.js';
import { looksLikeText, sniffContentType } from './content-type.js';
import type { ReceivedFile } from './received-file.js';

/** Extracted text kept for search; the rest of a long document is not indexed. */
export const MAX_TEXT_CHARS = 32 * 1024;
/** PDFs are parsed in memory (pdf.js needs the whole document); larger ones keep only their facts. */
const MAX_PDF_PARSE_BYTES = 64 * 1024 * 1024;

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const EXIF_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/tiff', 'image/heic']);

export interface ExtractedMetadata {
  contentType: string;
  metadata: Record<string, VolumeMetadataValue>;
  text: string | null;
}

type Metadata = Record<string, VolumeMetadataValue>;

/**
 * What can be learnt from a file's content: its type, image dimensions and EXIF, PDF
 * pages and text, text encoding and lines. A damaged file never fails its upload: what
 * could not be read is reported in extraction_error and the rest is kept.
 */
export async function extractMetadata(file: ReceivedFile): Promise<ExtractedMetadata> {
  const contentType = await sniffContentType(file.head, file.sizeBytes);
  const metadata: Metadata = {};
  const errors: string[] = [];
  let text: string | null = null;
  const attempt = async (what: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (err) {
      errors.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  if (IMAGE_TYPES.has(contentType)) {
    await attempt('image size', async () => {
      Object.assign(metadata, await imageFacts(file));
    });
  }
  if (EXIF_TYPES.has(contentType)) {
    await attempt('EXIF', async () => {
      Object.assign(metadata, await exifFacts(file.localPath));
    });
  }
  if (contentType === 'application/pdf') {
    await attempt('PDF', async () => {
      const pdf = await pdfFacts(file);
      metadata.pdf_pages = pdf.pages;
      text = pdf.text;
    });
  }
  if (contentType.startsWith('text/') || contentType === 'application/json') {
    const facts = textFacts(file);
    Object.assign(metadata, facts.metadata);
    text = facts.text;
  }
  if (errors.length > 0) metadata.extraction_error = errors.join('; ');
  return { contentType, metadata, text };
}

async function imageFacts(file: ReceivedFile): Promise<Metadata> {
  const size = await imageSizeFromFile(file.localPath);
  // EXIF orientations 5-8 turn the picture a quarter: width and height as stored are kept.
  return { image_width: size.width, image_height: size.height };
}

/** EXIF as written: no revival of dates into the server's time zone, numbers kept as numbers. */
async function exifFacts(localPath: string): Promise<Metadata> {
  const exif = (await exifr.parse(localPath, {
    tiff: true,
    exif: true,
    gps: true,
    reviveValues: false,
    translateValues: false,
    translateKeys: true,
  })) as Record<string, unknown> | undefined;
  if (!exif) return {};
  const facts: Metadata = {
    exif_make: textOf(exif.Make),
    exif_model: textOf(exif.Model),
    exif_taken_at: exifTime(exif.DateTimeOriginal ?? exif.CreateDate),
    exif_orientation: numberOf(exif.Orientation),
    exif_exposure_time: numberOf(exif.ExposureTime),
    exif_iso: numberOf(exif.ISO),
    exif_focal_length: numberOf(exif.FocalLength),
    gps_latitude: coordinate(exif.GPSLatitude, exif.GPSLatitudeRef, 'S'),
    gps_longitude: coordinate(exif.GPSLongitude, exif.GPSLongitudeRef, 'W'),
    gps_altitude: altitude(exif.GPSAltitude, exif.GPSAltitudeRef),
  };
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== null));
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function numberOf(value: unknown): number | null {
  if (Array.isArray(value)) return numberOf(value[0]);
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** '2014:03:28 15:18:21' → '2014-03-28 15:18:21' (a wall-clock time: EXIF has no zone). */
function exifTime(value: unknown): string | null {
  const match =
    typeof value === 'string' && /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}:\d{2}:\d{2})/.exec(value);
  if (!match) return null;
  const [, y, m, d, time] = match;
  if (y === '0000') return null;
  return `${y}-${m}-${d} ${time}`;
}

/** Degrees, minutes, seconds (or decimal degrees) with the hemisphere's sign. */
function coordinate(value: unknown, ref: unknown, negative: string): number | null {
  let degrees: number | null = null;
  if (typeof value === 'number') degrees = value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) {
    const [d = 0, m = 0, s = 0] = value as number[];
    degrees = d + m / 60 + s / 3600;
  }
  if (degrees === null || !Number.isFinite(degrees)) return null;
  return typeof ref === 'string' && ref.toUpperCase().startsWith(negative) ? -degrees : degrees;
}

/** Metres; reference 1 means below sea level. */
function altitude(value: unknown, ref: unknown): number | null {
  const metres = numberOf(value);
  if (metres === null) return null;
  const below = ref === 1 || (Array.isArray(ref) && ref[0] === 1);
  return below ? -metres : metres;
}

async function pdfFacts(file: ReceivedFile): Promise<{ pages: number; text: string | null }> {
  if (file.sizeBytes > MAX_PDF_PARSE_BYTES) {
    throw new Error(`larger than ${MAX_PDF_PARSE_BYTES} bytes, not parsed`);
  }
  // pdf.js is heavy: loaded only when a PDF arrives.
  const { extractText, getDocumentProxy } = await import('unpdf');
  const pdf = await getDocumentProxy(new Uint8Array(await readFile(file.localPath)));
  try {
    const { totalPages, text } = await extractText(pdf, { mergePages: true });
    return { pages: totalPages, text: cut(text) };
  } finally {
    await pdf.destroy();
  }
}

/** Encodings TextDecoder knows by chardet's names. */
const DECODER_NAMES: Record<string, string> = {
  'UTF-8': 'utf-8',
  'ISO-8859-1': 'latin1',
  'windows-1252': 'windows-1252',
  'UTF-16LE': 'utf-16le',
  'UTF-16BE': 'utf-16be',
};

function textFacts(file: ReceivedFile): { metadata: Metadata; text: string | null } {
  const encoding = textEncoding(file.head);
  const lines = file.sizeBytes === 0 ? 0 : file.lineFeeds + (file.endsWithLineFeed ? 0 : 1);
  const decoder = DECODER_NAMES[encoding];
  const text = decoder === undefined ? null : cut(new TextDecoder(decoder).decode(file.head));
  return { metadata: { text_encoding: encoding, text_line_count: lines }, text };
}

/** Pure ASCII is reported as UTF-8 (what it is valid as); otherwise chardet's guess. */
function textEncoding(head: Buffer): string {
  if (head.every((b) => b < 0x80)) return 'UTF-8';
  if (isUtf8(head)) return 'UTF-8';
  const guessed = looksLikeText(head) ? chardet.detect(head) : null;
  return guessed ?? 'unknown';
}

/** Valid UTF-8, allowing a sequence cut at the end of the sample. */
function isUtf8(head: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, trimmedEnd(head)));
    return true;
  } catch {
    return false;
  }
}

/** The sample's length without a multi-byte sequence that the sample cut short. */
function trimmedEnd(head: Buffer): number {
  let i = head.length - 1;
  let back = 0;
  while (i >= 0 && back < 3 && (head[i]! & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0 || head[i]! < 0xc0) return head.length;
  const needed = head[i]! >= 0xf0 ? 4 : head[i]! >= 0xe0 ? 3 : 2;
  return back + 1 < needed ? i : head.length;
}

function cut(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return trimmed.length > MAX_TEXT_CHARS ? trimmed.slice(0, MAX_TEXT_CHARS) : trimmed;
}
