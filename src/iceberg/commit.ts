import { setTimeout as sleep } from 'node:timers/promises';
import { Conflict } from '../errors/index.js';
import {
  loadCurrentVersion,
  metadataVersion,
  writeMetadataFile,
  type MetadataVersion,
} from './metadata-files.js';
import type { TableContext } from './table-contract.js';
import type { TableMetadata } from './types.js';

const DEFAULT_MAX_RETRIES = 10;
const DEFAULT_RETRY_BASE_DELAY_MS = 5;
const MAX_RETRY_DELAY_MS = 2_000;
const DEFAULT_PREVIOUS_VERSIONS = 100;

/**
 * Builds the next metadata from a base. Called again on every retry with the
 * newest base; it re-checks its requirements there and throws Conflict when they
 * no longer hold.
 */
export type MetadataUpdate = (base: TableMetadata) => Promise<TableMetadata>;

/** Records the base file in the metadata log, keeping as many as the table asks for. */
function withMetadataLog(next: TableMetadata, base: MetadataVersion): TableMetadata {
  const max = Number(
    next.properties['write.metadata.previous-versions-max'] ?? DEFAULT_PREVIOUS_VERSIONS,
  );
  const log = [
    ...base.metadata['metadata-log'],
    { 'metadata-file': base.location, 'timestamp-ms': base.metadata['last-updated-ms'] },
  ];
  return { ...next, 'metadata-log': log.slice(Math.max(0, log.length - Math.max(1, max))) };
}

/**
 * With write.metadata.delete-after-commit.enabled=true, the metadata files that just fell
 * out of the metadata log are deleted (as Iceberg does); otherwise every commit leaves one
 * more file behind. A file that will not go is only an orphan: the commit stands.
 */
async function deleteDroppedMetadata(
  ctx: TableContext,
  base: MetadataVersion,
  next: TableMetadata,
): Promise<void> {
  if (next.properties['write.metadata.delete-after-commit.enabled']?.toLowerCase() !== 'true') {
    return;
  }
  const kept = new Set(next['metadata-log'].map((e) => e['metadata-file']));
  const before = [...base.metadata['metadata-log'].map((e) => e['metadata-file']), base.location];
  const prefix = `${ctx.keyPrefix.replace(/\/+$/, '')}/metadata/`;
  for (const file of before) {
    const key = ctx.store.keyOf(file);
    if (kept.has(file) || key === undefined || !key.startsWith(prefix)) continue;
    await ctx.store.delete(key).catch(() => undefined);
  }
}

function retryDelayMs(ctx: TableContext, attempt: number): number {
  const base = ctx.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, base * 2 ** attempt);
  // Full jitter keeps writers that lost the same race from colliding again.
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * Optimistic commit: write the next metadata file, then swap the pointer from the
 * base to it. When another writer got there first, refresh and try again on top.
 */
export async function commitUpdate(
  ctx: TableContext,
  start: MetadataVersion,
  update: MetadataUpdate,
): Promise<MetadataVersion> {
  const maxRetries = ctx.maxRetries ?? DEFAULT_MAX_RETRIES;
  let base = start;
  for (let attempt = 0; attempt <= maxRetries; attempt++) {
    const next = withMetadataLog(await update(base.metadata), base);
    const location = await writeMetadataFile(ctx, next, metadataVersion(base.location) + 1);
    if (await ctx.pointer.compareAndSwap(base.location, location)) {
      await deleteDroppedMetadata(ctx, base, next);
      return { metadata: next, location };
    }
    // The file just written is an orphan now; maintenance removes it.
    if (attempt < maxRetries) await sleep(retryDelayMs(ctx, attempt));
    base = await loadCurrentVersion(ctx);
  }
  throw new Conflict(
    'COMMIT_CONFLICT',
    `The commit to ${ctx.keyPrefix} lost ${maxRetries + 1} races with other writers.`,
    {
      hint: 're-run the operation; if it keeps failing, fewer concurrent writers on this table will help',
    },
  );
}
