import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Caller, Principal } from '../../governance/index.js';
import type { VolumeFileRecord, VolumeRecord } from '../../metastore/index.js';
import { Conflict } from '../../errors/index.js';
import { extractMetadata } from './file-metadata.js';
import { receiveFile } from './received-file.js';
import type { VolumeDeps } from './volume-access.js';
import { onVolume, requireVolume } from './volume-access.js';
import type { VolumeIdent } from './volume-names.js';
import {
  checkFilePath,
  checkPrefix,
  fileKey,
  formatVolumeName,
  volumeFileNotFound,
  volumePath,
  volumeSecurable,
} from './volume-names.js';
import type { DuplicateGroup, FileLocation, UploadedFile, VolumeFile } from './volume-views.js';
import { volumeFile } from './volume-views.js';
import { duplicatesWithin } from './file-table-columns.js';

export interface VolumeFilesDeps extends VolumeDeps {
  tempDir: string;
  maxFileBytes: number;
}

/** A listed file, with the earlier file of the same volume that has its content. */
export interface ListedFile extends VolumeFile {
  duplicateOf: string | null;
}

/**
 * The files of a volume. Uploads stream to a staging file (hashed and sampled on the
 * way), are described, then become visible in one step: the metastore row is written
 * in the transaction that moves the bytes into the warehouse, so a failed upload leaves
 * nothing to see.
 */
export class VolumeFiles {
  constructor(private readonly deps: VolumeFilesDeps) {}

  async upload(
    caller: Caller,
    ident: VolumeIdent,
    filePath: string,
    source: Readable,
    options: { overwrite?: boolean } = {},
  ): Promise<UploadedFile> {
    const target = checkFilePath(filePath);
    const overwrite = options.overwrite === true;
    return onVolume(this.deps, caller, 'volume.upload', ident, async (check) => {
      const volume = await requireVolume(this.deps, check, 'WRITE_VOLUME', ident);
      // Refused before a byte is read: the bytes would be thrown away.
      const existing = await this.deps.metastore.volumes.getFile(volume.id, target);
      if (!overwrite && existing) throw fileExists(ident, target);
      // Only the volume's own files may be replaced: the tables of a namespace named like
      // the volume live under its folder too, and their files are no upload's to overwrite.
      if (!existing && (await this.deps.store.head(fileKey(volume.location, target)))) {
        throw pathOccupied(ident, target);
      }
      await mkdir(this.deps.tempDir, { recursive: true });
      const staged = path.join(this.deps.tempDir, `volume-upload-${randomUUID()}`);
      try {
        const received = await receiveFile(source, staged, this.deps.maxFileBytes);
        const extracted = await extractMetadata(received);
        const record = await this.deps.metastore.transaction(async (tx) => {
          const saved = await tx.volumes.putFile(
            volume.id,
            {
              path: target,
              sizeBytes: received.sizeBytes,
              sha256: received.sha256,
              contentType: extracted.contentType,
              uploadedBy: caller.principal.name,
              metadata: extracted.metadata,
              text: extracted.text,
            },
            { overwrite },
          );
          await this.deps.store.putFile(fileKey(volume.location, target), staged);
          return saved;
        });
        await this.deps.changes.publish({
          kind: 'volume_file',
          volume: volumePath(ident),
          fileId: record.id,
        });
        const duplicates = await this.#sameContent(caller.principal, volume, record);
        return { ...volumeFile(record), duplicateOf: duplicates[0] ?? null, duplicates };
      } finally {
        await rm(staged, { force: true });
      }
    });
  }

  async list(caller: Caller, ident: VolumeIdent, prefix?: string): Promise<ListedFile[]> {
    const checkedPrefix = checkPrefix(prefix);
    return onVolume(this.deps, caller, 'volume.list_files', ident, async (check) => {
      const volume = await requireVolume(this.deps, check, 'READ_VOLUME', ident);
      const all = await this.deps.metastore.volumes.listFiles(volume.id);
      const duplicates = duplicatesWithin(all);
      return all
        .filter((f) => f.path.startsWith(checkedPrefix))
        .map((f) => ({ ...volumeFile(f), duplicateOf: duplicates.get(f.path) ?? null }));
    });
  }

  /** A file with its metadata. */
  async metadata(caller: Caller, ident: VolumeIdent, filePath: string): Promise<VolumeFile> {
    const target = checkFilePath(filePath);
    return onVolume(this.deps, caller, 'volume.file_metadata', ident, async (check) => {
      const volume = await requireVolume(this.deps, check, 'READ_VOLUME', ident);
      return volumeFile(await this.#file(ident, volume, target));
    });
  }

  /** The file's metadata and a stream of its bytes (the caller must consume or destroy it). */
  async download(
    caller: Caller,
    ident: VolumeIdent,
    filePath: string,
  ): Promise<{ file: VolumeFile; stream: Readable }> {
    const target = checkFilePath(filePath);
    return onVolume(this.deps, caller, 'volume.download', ident, async (check) => {
      const volume = await requireVolume(this.deps, check, 'READ_VOLUME', ident);
      const record = await this.#file(ident, volume, target);
      const stream = await this.deps.store.getStream(fileKey(volume.location, target));
      return { file: volumeFile(record), stream };
    });
  }

  async delete(caller: Caller, ident: VolumeIdent, filePath: string): Promise<void> {
    const target = checkFilePath(filePath);
    return onVolume(this.deps, caller, 'volume.delete_file', ident, async (check) => {
      const volume = await requireVolume(this.deps, check, 'WRITE_VOLUME', ident);
      const record = await this.#file(ident, volume, target);
      // Invisible first; the bytes follow.
      await this.deps.metastore.volumes.deleteFile(volume.id, target);
      await this.deps.store.delete(fileKey(volume.location, target));
      await this.deps.changes.publish({
        kind: 'volume_file',
        volume: volumePath(ident),
        fileId: record.id,
        removed: true,
      });
    });
  }

  /** Groups of files with one content, in this volume or shared with volumes the caller can see. */
  duplicates(caller: Caller, ident: VolumeIdent): Promise<DuplicateGroup[]> {
    return onVolume(this.deps, caller, 'volume.duplicates', ident, async (check) => {
      const volume = await requireVolume(this.deps, check, 'READ_VOLUME', ident);
      const own = await this.deps.metastore.volumes.listFiles(volume.id);
      const shaSet = [...new Set(own.map((f) => f.sha256))];
      const matches = await this.#visibleMatches(caller.principal, shaSet);
      const groups = new Map<string, DuplicateGroup>();
      for (const { location, file } of matches) {
        const group = groups.get(file.sha256) ?? {
          sha256: file.sha256,
          sizeBytes: file.sizeBytes,
          files: [],
        };
        group.files.push(location);
        groups.set(file.sha256, group);
      }
      return [...groups.values()]
        .filter((g) => g.files.length > 1)
        .sort((a, b) => (a.files[0]!.path < b.files[0]!.path ? -1 : 1));
    });
  }

  async #file(ident: VolumeIdent, volume: VolumeRecord, target: string): Promise<VolumeFileRecord> {
    const record = await this.deps.metastore.volumes.getFile(volume.id, target);
    if (!record) throw volumeFileNotFound(ident, target);
    return record;
  }

  /** Other files with this file's content: its own volume first, then others the caller sees. */
  async #sameContent(
    principal: Principal,
    volume: VolumeRecord,
    file: VolumeFileRecord,
  ): Promise<FileLocation[]> {
    const matches = await this.#visibleMatches(principal, [file.sha256]);
    const own = formatVolumeName(volume);
    return matches
      .map((m) => m.location)
      .filter((l) => !(l.volume === own && l.path === file.path))
      .sort((a, b) => Number(b.volume === own) - Number(a.volume === own));
  }

  /**
   * Files with this content in volumes whose files the caller may read (READ_VOLUME, as
   * listing needs): a match names a file and confirms its exact content.
   */
  async #visibleMatches(principal: Principal, sha256: string[]) {
    const matches = await this.deps.metastore.volumes.findByContent(sha256);
    const readable = new Map<string, Promise<boolean>>();
    const mayRead = (volume: VolumeIdent) => {
      const name = formatVolumeName(volume);
      let decided = readable.get(name);
      if (decided === undefined) {
        decided = this.deps.gate.authorizer
          .decide(principal, 'READ_VOLUME', volumeSecurable(volume))
          .then((d) => d.allowed);
        readable.set(name, decided);
      }
      return decided;
    };
    const allowed = await Promise.all(matches.map((m) => mayRead(m.volume)));
    return matches
      .filter((_, i) => allowed[i])
      .map((m) => ({
        location: { volume: formatVolumeName(m.volume), path: m.file.path },
        file: m.file,
      }))
      .sort((a, b) =>
        a.location.volume === b.location.volume
          ? a.location.path < b.location.path
            ? -1
            : 1
          : a.location.volume < b.location.volume
            ? -1
            : 1,
      );
  }
}

function pathOccupied(ident: VolumeIdent, target: string): Conflict {
  return new Conflict(
    'VOLUME_PATH_OCCUPIED',
    `The path ${target} of the volume ${formatVolumeName(ident)} holds something that is not one of its files.`,
    { hint: 'Upload the file under another path.' },
  );
}

function fileExists(ident: VolumeIdent, target: string): Conflict {
  return new Conflict(
    'VOLUME_FILE_EXISTS',
    `The volume ${formatVolumeName(ident)} already has a file ${target}.`,
    { hint: 'Upload it under another path, or pass --overwrite (overwrite=true) to replace it.' },
  );
}
