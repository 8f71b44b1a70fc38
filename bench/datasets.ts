import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { once } from 'node:events';

export const RETAIL_DIR = resolve('../shared/data/retail/by-day');

export function retailFiles(): string[] {
  return readdirSync(RETAIL_DIR)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => join(RETAIL_DIR, f));
}

/**
 * Generated data large enough that the baseline runs for seconds: `copies` CSV files,
 * each holding every retail row once, with invoice numbers shifted per copy so the
 * rows stay distinct.
 */
export async function generateRetailCopies(dir: string, copies: number): Promise<string[]> {
  const bodies = retailFiles().map((file) => readFileSync(file, 'utf8').split('\n').slice(1));
  const header = readFileSync(retailFiles()[0]!, 'utf8').split('\n')[0]!;
  const out: string[] = [];
  for (let copy = 0; copy < copies; copy++) {
    const path = join(dir, `retail-copy-${copy}.csv`);
    const stream = createWriteStream(path);
    stream.write(`${header}\n`);
    for (const lines of bodies) {
      const chunk = lines
        .filter((line) => line.length > 0)
        .map((line) => (copy === 0 ? line : `${copy}${line}`))
        .join('\n');
      if (!stream.write(`${chunk}\n`)) await once(stream, 'drain');
    }
    stream.end();
    await once(stream, 'finish');
    out.push(path);
  }
  return out;
}
