import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { AlreadyExists, Conflict, NotFound } from '../errors/index.js';
import {
  byName,
  checkName,
  displayName,
  namespaceKey,
  namespacePath,
  nowIso,
  toDate,
} from './codec.js';
import { translateConstraints } from './constraint-errors.js';
import type { Database } from './database.js';
import type { Executor } from './executor.js';
import type { VolumeFilesTable } from './volume-migration.js';

export interface VolumeRecord {
  id: string;
  namespace: string[];
  name: string;
  location: string;
  description: string | null;
  owner: string | null;
  /** Grows with every file change. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type VolumeMetadataValue = string | number | null;

export interface VolumeFileRecord {
  id: string;
  volumeId: string;
  path: string;
  sizeBytes: number;
  sha256: string;
  contentType: string;
  uploadedBy: string;
  uploadedAt: Date;
  metadata: Record<string, VolumeMetadataValue>;
  text: string | null;
}

export type VolumeFileInput = Omit<VolumeFileRecord, 'id' | 'volumeId' | 'uploadedAt'>;

/** A file found by its content, with the volume that holds it. */
export interface VolumeFileMatch {
  volume: { namespace: string[]; name: string };
  file: VolumeFileRecord;
}

/** Volumes of unstructured files and the metadata extracted from each file. */
export interface VolumeRepository {
  /** AlreadyExists VOLUME_ALREADY_EXISTS; Conflict VOLUME_NAME_TAKEN when a table has the name. */
  create(v: {
    namespace: string[];
    name: string;
    location: string;
    description?: string | null;
    owner?: string | null;
  }): Promise<VolumeRecord>;
  get(namespace: string[], name: string): Promise<VolumeRecord | undefined>;
  /** Whether a volume keeps its files at this location (renamed volumes keep theirs). */
  locationTaken(location: string): Promise<boolean>;
  list(namespace: string[]): Promise<VolumeRecord[]>;
  update(id: string, patch: { description?: string | null }): Promise<VolumeRecord>;
  /** The same refusals as create, for the new name. */
  rename(id: string, to: { namespace: string[]; name: string }): Promise<VolumeRecord>;
  /** Removes the volume and its file records. */
  delete(id: string): Promise<void>;
  /** Adds (or, with overwrite, replaces) a file record and bumps the version; Conflict VOLUME_FILE_EXISTS. */
  putFile(
    volumeId: string,
    file: VolumeFileInput,
    options: { overwrite: boolean },
  ): Promise<VolumeFileRecord>;
  getFile(volumeId: string, path: string): Promise<VolumeFileRecord | undefined>;
  getFileById(volumeId: string, id: string): Promise<VolumeFileRecord | undefined>;
  /** In path order; only paths starting with prefix when given. */
  listFiles(volumeId: string, options?: { prefix?: string }): Promise<VolumeFileRecord[]>;
  /** true when there was one; bumps the version. */
  deleteFile(volumeId: string, path: string): Promise<boolean>;
  /** Files of every volume whose content has one of these SHA-256 digests. */
  findByContent(sha256: string[]): Promise<VolumeFileMatch[]>;
}

type FileRow = Selectable<VolumeFilesTable>;

function selectVolumes(db: Kysely<Database>) {
  return db
    .selectFrom('volumes')
    .innerJoin('namespaces', 'namespaces.id', 'volumes.namespace_id')
    .selectAll('volumes')
    .select('namespaces.key as namespace_key');
}

type VolumeRow = Awaited<ReturnType<ReturnType<typeof selectVolumes>['executeTakeFirstOrThrow']>>;

function toVolume(row: VolumeRow): VolumeRecord {
  return {
    id: row.id,
    namespace: namespacePath(row.namespace_key),
    name: row.name,
    location: row.location,
    description: row.description,
    owner: row.owner,
    version: Number(row.version),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

function toFile(row: FileRow): VolumeFileRecord {
  return {
    id: row.id,
    volumeId: row.volume_id,
    path: row.path,
    sizeBytes: Number(row.size_bytes),
    sha256: row.sha256,
    contentType: row.content_type,
    uploadedBy: row.uploaded_by,
    uploadedAt: toDate(row.uploaded_at),
    metadata: JSON.parse(row.metadata) as Record<string, VolumeMetadataValue>,
    text: row.text,
  };
}

/**
 * The namespace's id. Looked up here rather than through namespace-repository, whose
 * module imports the repository interfaces that import this one.
 */
async function namespaceId(db: Kysely<Database>, path: readonly string[]): Promise<string> {
  const row = await db
    .selectFrom('namespaces')
    .select('id')
    .where('key', '=', namespaceKey(path))
    .executeTakeFirst();
  if (!row) throw namespaceNotFound(path);
  return row.id;
}

function namespaceNotFound(path: readonly string[]): NotFound {
  const name = displayName(path);
  return new NotFound('NAMESPACE_NOT_FOUND', `Namespace ${name} does not exist.`, {
    hint: `create it with lakeward namespace create ${name}`,
  });
}

function volumeExists(namespace: readonly string[], name: string): AlreadyExists {
  return new AlreadyExists(
    'VOLUME_ALREADY_EXISTS',
    `The volume ${displayName([...namespace, name])} already exists.`,
    { hint: 'Choose another name, or use the existing volume.' },
  );
}

function volumeNotFound(id: string): NotFound {
  return new NotFound('VOLUME_NOT_FOUND', `The volume with id ${id} does not exist.`, {
    hint: 'List the volumes of the namespace to see which exist.',
  });
}

/** Volumes and tables share their namespace's names, so a SQL name means one thing. */
async function refuseTableName(
  tx: Kysely<Database>,
  nsId: string,
  namespace: readonly string[],
  name: string,
) {
  const table = await tx
    .selectFrom('tables')
    .select('id')
    .where('namespace_id', '=', nsId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (table) {
    throw new Conflict(
      'VOLUME_NAME_TAKEN',
      `${displayName([...namespace, name])} is already a table; a volume cannot have its name.`,
      { hint: 'Choose another name for the volume: tables and volumes share their namespace.' },
    );
  }
}

async function bump(tx: Kysely<Database>, volumeId: string, at: string): Promise<void> {
  const row = await tx
    .selectFrom('volumes')
    .select('version')
    .where('id', '=', volumeId)
    .executeTakeFirst();
  if (!row) throw volumeNotFound(volumeId);
  await tx
    .updateTable('volumes')
    .set({ version: Number(row.version) + 1, updated_at: at })
    .where('id', '=', volumeId)
    .execute();
}

async function byId(db: Kysely<Database>, id: string): Promise<VolumeRecord> {
  const row = await selectVolumes(db).where('volumes.id', '=', id).executeTakeFirst();
  if (!row) throw volumeNotFound(id);
  return toVolume(row);
}

export function volumeRepository(executor: Executor): VolumeRepository {
  const { db } = executor;

  return {
    async create(v) {
      checkName(v.name, 'volume');
      const now = nowIso();
      return executor.atomic(async (tx) => {
        const nsId = await namespaceId(tx, v.namespace);
        await refuseTableName(tx, nsId, v.namespace, v.name);
        const row = {
          id: randomUUID(),
          namespace_id: nsId,
          name: v.name,
          location: v.location,
          description: v.description ?? null,
          owner: v.owner ?? null,
          version: 0,
          created_at: now,
          updated_at: now,
        };
        await translateConstraints(() => tx.insertInto('volumes').values(row).execute(), {
          unique: () => volumeExists(v.namespace, v.name),
          foreignKey: () => namespaceNotFound(v.namespace),
        });
        return toVolume({ ...row, namespace_key: namespaceKey(v.namespace) });
      });
    },

    async get(namespace, name) {
      const row = await selectVolumes(db)
        .where('namespaces.key', '=', namespaceKey(namespace))
        .where('volumes.name', '=', name)
        .executeTakeFirst();
      return row && toVolume(row);
    },

    async locationTaken(location) {
      const row = await db
        .selectFrom('volumes')
        .select('id')
        .where('location', '=', location)
        .executeTakeFirst();
      return row !== undefined;
    },

    async list(namespace) {
      const id = await namespaceId(db, namespace);
      const rows = await selectVolumes(db).where('volumes.namespace_id', '=', id).execute();
      return rows.sort(byName).map(toVolume);
    },

    async update(id, patch) {
      const result = await db
        .updateTable('volumes')
        .set({
          ...(patch.description !== undefined && { description: patch.description }),
          updated_at: nowIso(),
        })
        .where('id', '=', id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw volumeNotFound(id);
      return byId(db, id);
    },

    async rename(id, to) {
      checkName(to.name, 'volume');
      return executor.atomic(async (tx) => {
        const target = await namespaceId(tx, to.namespace);
        await refuseTableName(tx, target, to.namespace, to.name);
        const result = await translateConstraints(
          () =>
            tx
              .updateTable('volumes')
              .set({ namespace_id: target, name: to.name, updated_at: nowIso() })
              .where('id', '=', id)
              .executeTakeFirst(),
          { unique: () => volumeExists(to.namespace, to.name) },
        );
        if (result.numUpdatedRows === 0n) throw volumeNotFound(id);
        return byId(tx, id);
      });
    },

    async delete(id) {
      await executor.atomic(async (tx) => {
        // Explicitly, so it holds on SQLite connections without foreign-key enforcement too.
        await tx.deleteFrom('volume_files').where('volume_id', '=', id).execute();
        const result = await tx.deleteFrom('volumes').where('id', '=', id).executeTakeFirst();
        if (result.numDeletedRows === 0n) throw volumeNotFound(id);
      });
    },

    async putFile(volumeId, file, { overwrite }) {
      const now = nowIso();
      return executor.atomic(async (tx) => {
        const existing = await tx
          .selectFrom('volume_files')
          .select('id')
          .where('volume_id', '=', volumeId)
          .where('path', '=', file.path)
          .executeTakeFirst();
        if (existing && !overwrite) throw fileExists(file.path);
        if (existing) await tx.deleteFrom('volume_files').where('id', '=', existing.id).execute();
        const row = {
          id: randomUUID(),
          volume_id: volumeId,
          path: file.path,
          size_bytes: file.sizeBytes,
          sha256: file.sha256,
          content_type: file.contentType,
          uploaded_by: file.uploadedBy,
          uploaded_at: now,
          metadata: JSON.stringify(file.metadata),
          text: file.text,
        };
        await translateConstraints(() => tx.insertInto('volume_files').values(row).execute(), {
          unique: () => fileExists(file.path),
          foreignKey: () => volumeNotFound(volumeId),
        });
        await bump(tx, volumeId, now);
        return toFile(row);
      });
    },

    async getFile(volumeId, path) {
      const row = await db
        .selectFrom('volume_files')
        .selectAll()
        .where('volume_id', '=', volumeId)
        .where('path', '=', path)
        .executeTakeFirst();
      return row && toFile(row);
    },

    async getFileById(volumeId, id) {
      const row = await db
        .selectFrom('volume_files')
        .selectAll()
        .where('volume_id', '=', volumeId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toFile(row);
    },

    async listFiles(volumeId, options = {}) {
      const rows = await db
        .selectFrom('volume_files')
        .selectAll()
        .where('volume_id', '=', volumeId)
        .execute();
      const prefix = options.prefix ?? '';
      // Filtered here rather than with LIKE, whose wildcards and collation differ by database.
      return rows
        .filter((r) => r.path.startsWith(prefix))
        .sort((a, b) => (a.path === b.path ? 0 : a.path < b.path ? -1 : 1))
        .map(toFile);
    },

    async deleteFile(volumeId, path) {
      return executor.atomic(async (tx) => {
        const result = await tx
          .deleteFrom('volume_files')
          .where('volume_id', '=', volumeId)
          .where('path', '=', path)
          .executeTakeFirst();
        if (result.numDeletedRows === 0n) return false;
        await bump(tx, volumeId, nowIso());
        return true;
      });
    },

    async findByContent(sha256) {
      if (sha256.length === 0) return [];
      const rows = await db
        .selectFrom('volume_files')
        .innerJoin('volumes', 'volumes.id', 'volume_files.volume_id')
        .innerJoin('namespaces', 'namespaces.id', 'volumes.namespace_id')
        .selectAll('volume_files')
        .select(['volumes.name as volume_name', 'namespaces.key as namespace_key'])
        .where('volume_files.sha256', 'in', sha256)
        .execute();
      return rows.map((r) => ({
        volume: { namespace: namespacePath(r.namespace_key), name: r.volume_name },
        file: toFile(r),
      }));
    },
  };
}

function fileExists(path: string): Conflict {
  return new Conflict('VOLUME_FILE_EXISTS', `The file ${path} is already in the volume.`, {
    hint: 'Upload it under another path, or pass --overwrite (overwrite=true) to replace it.',
  });
}
