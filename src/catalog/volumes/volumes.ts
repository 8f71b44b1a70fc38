import { randomUUID } from 'node:crypto';
import type { ResolvedTable } from '../../engine/index.js';
import { NotFound } from '../../errors/index.js';
import type { Caller, PolicyAdmin } from '../../governance/index.js';
import { auditResource } from '../../governance/index.js';
import type { VolumeRecord } from '../../metastore/index.js';
import { namespaceNotFound } from '../catalog-errors.js';
import { namespaceSecurable } from '../catalog-securables.js';
import type { VolumeFileInfo, VolumeFileReader } from '../contract.js';
import type { VolumeTables } from '../governed-resolver.js';
import { checkNamespace } from '../names.js';
import type { VolumeDeps } from './volume-access.js';
import { onVolume, purgeVolume, requireVolume, volumeExists } from './volume-access.js';
import { VolumeFileTable } from './volume-file-table.js';
import { VolumeFiles } from './volume-files.js';
import type { VolumeIdent } from './volume-names.js';
import { naturalLocation, volumeNotFound, volumePath, volumeSecurable } from './volume-names.js';
import type { VolumeDescription, VolumeInfo } from './volume-views.js';
import { volumeFileInfo, volumeInfo } from './volume-views.js';

export interface VolumesDeps extends VolumeDeps {
  /** Ownership of created volumes, and grants that follow renames and drops. */
  policies: Pick<PolicyAdmin, 'recordOwner' | 'renamed' | 'dropped'>;
  /** Where uploads are staged and file tables are copied. */
  tempDir: string;
  /** The largest file an upload may bring. */
  maxFileBytes: number;
}

/**
 * Volumes: governed folders of unstructured files in a namespace, next to its tables
 * (and sharing their names). Creating needs CREATE_VOLUME on the namespace, reading
 * files READ_VOLUME, writing them WRITE_VOLUME; the creator owns the volume. Every use
 * case is audited once; listings show only what the caller may DESCRIBE.
 */
export class Volumes implements VolumeFileReader, VolumeTables {
  /** Upload, list, download and delete the files of a volume. */
  readonly files: VolumeFiles;
  readonly #deps: VolumesDeps;
  readonly #fileTable: VolumeFileTable;

  constructor(deps: VolumesDeps) {
    this.#deps = deps;
    this.files = new VolumeFiles(deps);
    this.#fileTable = new VolumeFileTable(deps.metastore, deps.tempDir);
  }

  create(
    caller: Caller,
    ident: VolumeIdent,
    input: { description?: string } = {},
  ): Promise<VolumeDescription> {
    return onVolume(this.#deps, caller, 'volume.create', ident, async (check) => {
      await check.require('CREATE_VOLUME', namespaceSecurable(ident.namespace));
      const record = await this.#deps.metastore.volumes.create({
        namespace: [...ident.namespace],
        name: ident.name,
        location: await this.#freeLocation(ident),
        description: input.description ?? null,
        owner: caller.principal.name,
      });
      const { name } = caller.principal;
      await this.#deps.policies.recordOwner(
        volumeSecurable(ident),
        { kind: 'principal', name },
        name,
      );
      await this.#deps.changes.publish({ kind: 'volume', path: volumePath(ident) });
      return { ...this.#info(record), fileCount: 0, totalBytes: 0 };
    });
  }

  async list(caller: Caller, namespace: string[]): Promise<VolumeInfo[]> {
    const securable = namespaceSecurable(checkNamespace(namespace));
    return this.#deps.gate.run(caller, 'volume.list', auditResource(securable), async (check) => {
      // Missing and hidden namespaces must fail with the same words: the catalog's.
      const all = await this.#deps.metastore.volumes.list(namespace).catch((err: unknown) => {
        throw err instanceof NotFound ? namespaceNotFound(namespace) : err;
      });
      const visible = await this.#deps.gate.authorizer.visible(
        caller.principal,
        all.map((v) => volumeSecurable(v)),
      );
      const shown = all.filter((_, i) => visible[i] === true);
      // An empty listing of a namespace the caller may not see fails as a missing one would.
      if (shown.length === 0 && namespace.length > 1) {
        const [seen] = await this.#deps.gate.authorizer.visible(caller.principal, [securable]);
        if (seen !== true) throw check.refuse(namespaceNotFound(namespace));
      }
      return shown.map((v) => this.#info(v));
    });
  }

  describe(caller: Caller, ident: VolumeIdent): Promise<VolumeDescription> {
    return onVolume(this.#deps, caller, 'volume.describe', ident, async (check) => {
      const record = await requireVolume(this.#deps, check, 'DESCRIBE', ident);
      const files = await this.#deps.metastore.volumes.listFiles(record.id);
      return {
        ...this.#info(record),
        fileCount: files.length,
        totalBytes: files.reduce((sum, f) => sum + f.sizeBytes, 0),
      };
    });
  }

  update(
    caller: Caller,
    ident: VolumeIdent,
    patch: { description?: string | null },
  ): Promise<VolumeInfo> {
    return onVolume(this.#deps, caller, 'volume.update', ident, async (check) => {
      const record = await requireVolume(this.#deps, check, 'ALTER', ident);
      const updated = await this.#deps.metastore.volumes.update(record.id, patch);
      await this.#deps.changes.publish({ kind: 'volume', path: volumePath(ident) });
      return this.#info(updated);
    });
  }

  /** Moves no bytes: the files stay where they are, the name changes. */
  rename(caller: Caller, from: VolumeIdent, to: VolumeIdent): Promise<VolumeInfo> {
    return onVolume(this.#deps, caller, 'volume.rename', from, async (check) => {
      const record = await requireVolume(this.#deps, check, 'ALTER', from);
      if (from.namespace.join('.') !== to.namespace.join('.')) {
        await check.require('CREATE_VOLUME', namespaceSecurable(to.namespace));
      }
      const renamed = await this.#deps.metastore.volumes.rename(record.id, {
        namespace: [...to.namespace],
        name: to.name,
      });
      await this.#deps.policies.renamed(volumePath(from), volumePath(to));
      await this.#deps.changes.publish({ kind: 'volume', path: volumePath(from), removed: true });
      await this.#deps.changes.publish({ kind: 'volume', path: volumePath(to) });
      return this.#info(renamed);
    });
  }

  /** Deletes the volume and every file in it. */
  drop(caller: Caller, ident: VolumeIdent): Promise<void> {
    return onVolume(this.#deps, caller, 'volume.drop', ident, async (check) => {
      const record = await requireVolume(this.#deps, check, 'DROP', ident);
      const files = await this.#deps.metastore.volumes.listFiles(record.id);
      await purgeVolume(this.#deps.metastore, this.#deps.store, record);
      await this.#deps.policies.dropped(volumePath(ident));
      const path = volumePath(ident);
      for (const file of files) {
        await this.#deps.changes.publish({
          kind: 'volume_file',
          volume: path,
          fileId: file.id,
          removed: true,
        });
      }
      await this.#deps.changes.publish({ kind: 'volume', path, removed: true });
    });
  }

  /** Whether a volume has this path (no access decided: for the SQL resolver). */
  exists(path: string[]): Promise<boolean> {
    return volumeExists(this.#deps.metastore, path);
  }

  /** The file list of a volume as a SQL table; the caller has decided access. */
  async fileTable(path: string[]): Promise<ResolvedTable> {
    const record = await this.#find(path);
    if (!record) throw volumeNotFound({ namespace: path.slice(0, -1), name: path.at(-1) ?? '' });
    return this.#fileTable.resolve(record);
  }

  /** For search: a file with its extracted text, without a caller (search filters itself). */
  async file(volume: string[], fileId: string): Promise<VolumeFileInfo | undefined> {
    const record = await this.#find(volume);
    const file = record && (await this.#deps.metastore.volumes.getFileById(record.id, fileId));
    return file && volumeFileInfo(file);
  }

  #find(path: string[]): Promise<VolumeRecord | undefined> {
    return this.#deps.metastore.volumes.get(path.slice(0, -1), path.at(-1) ?? '');
  }

  #info(record: VolumeRecord): VolumeInfo {
    return volumeInfo(record, `${this.#deps.store.uri(record.location)}/files/`);
  }

  /**
   * The volume's natural folder, unless files are already there (a renamed volume keeps
   * its folder, and a new volume of its old name must not share it).
   */
  async #freeLocation(ident: VolumeIdent): Promise<string> {
    const natural = naturalLocation(ident);
    const elsewhere = `${natural}-${randomUUID().slice(0, 8)}`;
    if (await this.#deps.metastore.volumes.locationTaken(natural)) return elsewhere;
    for await (const _ of this.#deps.store.list(`${natural}/`)) return elsewhere;
    return natural;
  }
}
