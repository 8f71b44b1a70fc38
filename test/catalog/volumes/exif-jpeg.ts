/**
 * Writes EXIF into a real JPEG, so extraction can be checked on values known in advance
 * (camera, time taken, GPS): none of the shared photos carries a camera or a position.
 */

interface Entry {
  tag: number;
  /** 1 BYTE, 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL. */
  type: 1 | 2 | 3 | 4 | 5;
  count: number;
  value: Buffer;
}

const ascii = (tag: number, text: string): Entry => ({
  tag,
  type: 2,
  count: text.length + 1,
  value: Buffer.from(`${text}\0`, 'latin1'),
});
const short = (tag: number, n: number): Entry => {
  const value = Buffer.alloc(2);
  value.writeUInt16LE(n);
  return { tag, type: 3, count: 1, value };
};
const byte = (tag: number, n: number): Entry => ({
  tag,
  type: 1,
  count: 1,
  value: Buffer.from([n]),
});
const rationals = (tag: number, ...pairs: [number, number][]): Entry => {
  const value = Buffer.alloc(8 * pairs.length);
  pairs.forEach(([num, den], i) => {
    value.writeUInt32LE(num, i * 8);
    value.writeUInt32LE(den, i * 8 + 4);
  });
  return { tag, type: 5, count: pairs.length, value };
};
const pointer = (tag: number): Entry => ({ tag, type: 4, count: 1, value: Buffer.alloc(4) });

function ifdSize(entries: Entry[]): number {
  const data = entries.reduce(
    (sum, e) => sum + (e.value.length > 4 ? e.value.length + (e.value.length % 2) : 0),
    0,
  );
  return 2 + 12 * entries.length + 4 + data;
}

/** One IFD at offset, its out-of-line values right after it. */
function writeIfd(out: Buffer, offset: number, entries: Entry[]): void {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  out.writeUInt16LE(sorted.length, offset);
  let data = offset + 2 + 12 * sorted.length + 4;
  sorted.forEach((e, i) => {
    const at = offset + 2 + 12 * i;
    out.writeUInt16LE(e.tag, at);
    out.writeUInt16LE(e.type, at + 2);
    out.writeUInt32LE(e.count, at + 4);
    if (e.value.length <= 4) {
      e.value.copy(out, at + 8);
    } else {
      out.writeUInt32LE(data, at + 8);
      e.value.copy(out, data);
      data += e.value.length + (e.value.length % 2);
    }
  });
  out.writeUInt32LE(0, offset + 2 + 12 * sorted.length);
}

export interface KnownExif {
  make: string;
  model: string;
  takenAt: string;
  /** Degrees, minutes, seconds; south and west as written in the refs. */
  latitude: [number, number, number, 'N' | 'S'];
  longitude: [number, number, number, 'E' | 'W'];
  altitudeMetres: number;
  orientation: number;
  iso: number;
}

/** The JPEG with an APP1 EXIF segment holding the known values, right after its SOI marker. */
export function withExif(jpeg: Buffer, exif: KnownExif): Buffer {
  const exifPointer = pointer(0x8769);
  const gpsPointer = pointer(0x8825);
  const ifd0 = [
    ascii(0x010f, exif.make),
    ascii(0x0110, exif.model),
    short(0x0112, exif.orientation),
    exifPointer,
    gpsPointer,
  ];
  const exifIfd = [
    ascii(0x9003, exif.takenAt),
    short(0x8827, exif.iso),
    rationals(0x920a, [50, 1]),
    rationals(0x829a, [1, 250]),
  ];
  const [latD, latM, latS, latRef] = exif.latitude;
  const [lonD, lonM, lonS, lonRef] = exif.longitude;
  const gpsIfd = [
    ascii(0x0001, latRef),
    rationals(0x0002, [latD, 1], [latM, 1], [latS * 100, 100]),
    ascii(0x0003, lonRef),
    rationals(0x0004, [lonD, 1], [lonM, 1], [lonS * 100, 100]),
    byte(0x0005, 0),
    rationals(0x0006, [exif.altitudeMetres * 10, 10]),
  ];
  const ifd0At = 8;
  const exifAt = ifd0At + ifdSize(ifd0);
  const gpsAt = exifAt + ifdSize(exifIfd);
  exifPointer.value.writeUInt32LE(exifAt);
  gpsPointer.value.writeUInt32LE(gpsAt);
  const tiff = Buffer.alloc(gpsAt + ifdSize(gpsIfd));
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(ifd0At, 4);
  writeIfd(tiff, ifd0At, ifd0);
  writeIfd(tiff, exifAt, exifIfd);
  writeIfd(tiff, gpsAt, gpsIfd);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
}
