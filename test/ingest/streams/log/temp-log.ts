import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh folder for one log, removed by the returned cleanup. */
export function tempLogDir(): { dir: string; remove: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-wal-'));
  return {
    dir: path.join(root, 'stream'),
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** `n` distinct JSON records, each about `size` bytes, tagged with `tag` so reads can be checked byte for byte. */
export function records(tag: string, n: number, size = 200): Buffer[] {
  return Array.from({ length: n }, (_, i) => {
    const head = JSON.stringify({ tag, i, pad: '' });
    return Buffer.from(
      JSON.stringify({ tag, i, pad: 'x'.repeat(Math.max(0, size - head.length)) }),
    );
  });
}

export function segmentFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => n.startsWith('segment-'))
    .sort()
    .map((n) => path.join(dir, n));
}
