// Volume upload throughput beside its baseline, same run: the 160 shared photos uploaded
// into a volume (streamed, hashed, described, audited, recorded) against copying the same
// files into the same warehouse with ObjectStore.putStream alone. Then the same at a
// generated size (the photos padded to large files) where the baseline takes over a second.
// Run alone with `npx tsx bench/volumes.bench.ts`.
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseVolumeName } from '../src/catalog/index.js';
import { freshLakehouse, type BenchLakehouse } from './lakehouse.js';
import { fmt } from './stats.js';

const IMAGES = resolve('../shared/data/images');
/** Generated files: each photo padded to this size, enough of them for the baseline to take > 1 s. */
const LARGE_FILE_BYTES = Number(process.env.LAKEWARD_BENCH_VOLUME_FILE_MB ?? 64) * 1024 * 1024;
const LARGE_FILES = Number(process.env.LAKEWARD_BENCH_VOLUME_FILES ?? 16);

interface LocalFile {
  local: string;
  path: string;
  bytes: number;
}

export interface VolumeFigures {
  size: string;
  files: number;
  bytes: number;
  lakewardMs: number;
  baselineMs: number;
}

function photos(): LocalFile[] {
  return ['daisy', 'tulips'].flatMap((folder) =>
    readdirSync(join(IMAGES, folder))
      .sort()
      .map((name) => {
        const local = join(IMAGES, folder, name);
        return { local, path: `${folder}/${name}`, bytes: statSync(local).size };
      }),
  );
}

/** Real photos padded with random bytes: decoders read the header, every byte is hashed. */
async function largeFiles(dir: string, source: LocalFile[]): Promise<LocalFile[]> {
  mkdirSync(dir, { recursive: true });
  const padding = randomBytes(LARGE_FILE_BYTES);
  const files: LocalFile[] = [];
  for (let i = 0; i < LARGE_FILES; i++) {
    const photo = readFileSync(source[i % source.length]!.local);
    const local = join(dir, `large-${i}.jpg`);
    // A different tail per file, so no two files share a checksum.
    padding.writeUInt32BE(i, 0);
    await writeFile(local, Buffer.concat([photo, padding.subarray(photo.length)]));
    files.push({ local, path: `large/${i}.jpg`, bytes: LARGE_FILE_BYTES });
  }
  return files;
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function measure(
  lake: BenchLakehouse,
  size: string,
  files: LocalFile[],
  volumeName: string,
): Promise<VolumeFigures> {
  const { services, admin } = lake;
  const volume = parseVolumeName(volumeName);
  await services.volumes.create(admin, volume);
  const baselineMs = await timed(async () => {
    for (const file of files) {
      await services.store.putStream(
        `baseline/${volume.name}/${file.path}`,
        createReadStream(file.local),
      );
    }
  });
  const lakewardMs = await timed(async () => {
    for (const file of files) {
      await services.volumes.files.upload(admin, volume, file.path, createReadStream(file.local));
    }
  });
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  return { size, files: files.length, bytes, lakewardMs, baselineMs };
}

export async function benchVolumes(): Promise<VolumeFigures[]> {
  const lake = await freshLakehouse();
  const scratch = join(tmpdir(), `lakeward-bench-volumes-${process.pid}`);
  try {
    await lake.services.governed.createNamespace(lake.admin, ['bronze', 'media']);
    const real = photos();
    const figures = [await measure(lake, 'real', real, 'bronze.media.photos')];
    figures.push(
      await measure(lake, 'generated', await largeFiles(scratch, real), 'bronze.media.large'),
    );
    return figures;
  } finally {
    await lake.services.close();
    rmSync(scratch, { recursive: true, force: true });
    rmSync(lake.home, { recursive: true, force: true });
  }
}

export function volumeReport(figures: VolumeFigures[]): string[] {
  return figures.map((f) => {
    const mb = f.bytes / 1e6;
    const rate = (ms: number) =>
      `${fmt(f.files / (ms / 1000))} files/s, ${fmt(mb / (ms / 1000))} MB/s`;
    return (
      `[${f.size}] volume upload of ${f.files} files, ${fmt(mb)} MB: lakeward ${fmt(f.lakewardMs, 0)} ms ` +
      `(${rate(f.lakewardMs)}) vs ObjectStore.putStream alone ${fmt(f.baselineMs, 0)} ms ` +
      `(${rate(f.baselineMs)}): ${fmt(f.baselineMs / f.lakewardMs, 2)} of the baseline`
    );
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of volumeReport(await benchVolumes())) process.stdout.write(`${line}\n`);
}
