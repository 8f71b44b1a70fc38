import { randomUUID } from 'node:crypto';
import { InternalError, NotFound } from '../errors/index.js';
import { keyInWarehouse } from './warehouse-key.js';
import { parseTableMetadata, serializeTableMetadata } from './metadata-json.js';
import type { TableContext } from './table-contract.js';
import type { TableMetadata } from './types.js';

/** One version of a table's metadata and the file it was read from. */
export interface MetadataVersion {
  metadata: TableMetadata;
  location: string;
}

export function metadataKey(ctx: TableContext, name: string): string {
  return `${ctx.keyPrefix.replace(/\/+$/, '')}/metadata/${name}`;
}

/** The version number a metadata file name starts with ("00003-….metadata.json" → 3). */
export function metadataVersion(location: string): number {
  const match = /\/(\d+)-[^/]*\.metadata\.json$/.exec(location);
  return match ? Number(match[1]) : 0;
}

export async function readMetadataFile(
  ctx: TableContext,
  location: string,
): Promise<TableMetadata> {
  const bytes = await ctx.store.get(keyInWarehouse(ctx.store, location));
  return parseTableMetadata(Buffer.from(bytes).toString('utf8'));
}

/** Writes a new metadata file under a name no other writer can pick; returns its URI. */
export async function writeMetadataFile(
  ctx: TableContext,
  metadata: TableMetadata,
  version: number,
): Promise<string> {
  const key = metadataKey(ctx, `${String(version).padStart(5, '0')}-${randomUUID()}.metadata.json`);
  if (!(await ctx.store.putIfAbsent(key, serializeTableMetadata(metadata)))) {
    throw new InternalError(`Metadata file ${key} already exists, although its name is unique.`, {
      hint: 'retry the operation',
    });
  }
  return ctx.store.uri(key);
}

/** The table's current metadata as the pointer names it. */
export async function loadCurrentVersion(ctx: TableContext): Promise<MetadataVersion> {
  const location = await ctx.pointer.load();
  if (location === null) {
    throw new NotFound(
      'TABLE_METADATA_NOT_FOUND',
      `No Iceberg metadata has been committed under ${ctx.keyPrefix}.`,
      {
        hint: 'create the table first',
      },
    );
  }
  return { metadata: await readMetadataFile(ctx, location), location };
}
