import { Conflict } from '../../errors/index.js';
import type { Caller, Privilege } from '../../governance/index.js';
import { auditResource } from '../../governance/index.js';
import type { Metastore, VolumeRecord } from '../../metastore/index.js';
import type { ObjectStore } from '../../storage/index.js';
import type { AccessCheck, AccessGate } from '../access-gate.js';
import type { CatalogChanges } from '../catalog-changes.js';
import type { VolumeIdent } from './volume-names.js';
import { fileKey, volumeNotFound, volumeSecurable } from './volume-names.js';

/** What the volume use cases share. */
export interface VolumeDeps {
  metastore: Pick<Metastore, 'volumes' | 'transaction'>;
  store: ObjectStore;
  gate: AccessGate;
  changes: Pick<CatalogChanges, 'publish'>;
}

/** Whether a volume has this path; no access decided (for governance and the SQL resolver). */
export async function volumeExists(
  metastore: Pick<Metastore, 'volumes'>,
  path: readonly string[],
): Promise<boolean> {
  return (await metastore.volumes.get(path.slice(0, -1), path.at(-1) ?? '')) !== undefined;
}

/** Tables and volumes share their namespace's names, so a name in SQL means one thing. */
export async function refuseVolumeName(
  metastore: Pick<Metastore, 'volumes'>,
  ident: VolumeIdent,
): Promise<void> {
  if (await volumeExists(metastore, [...ident.namespace, ident.name])) {
    const name = [...ident.namespace, ident.name].join('.');
    throw new Conflict(
      'TABLE_NAME_TAKEN',
      `${name} is already a volume; a table cannot have its name.`,
      {
        hint: 'Choose another name for the table: tables and volumes share their namespace.',
      },
    );
  }
}

/**
 * Removes a volume: its record and its files' records first, then its bytes (a crash in
 * between leaves only files nothing refers to). Only its own files go, not all under its
 * folder: the tables of a namespace named like the volume may live there too. Grants
 * and search are the caller's.
 */
export async function purgeVolume(
  metastore: Pick<Metastore, 'volumes'>,
  store: ObjectStore,
  volume: VolumeRecord,
): Promise<void> {
  const files = await metastore.volumes.listFiles(volume.id);
  await metastore.volumes.delete(volume.id);
  for (const file of files) await store.delete(fileKey(volume.location, file.path));
}

/** One audited use case on a volume. */
export function onVolume<T>(
  deps: VolumeDeps,
  caller: Caller,
  action: string,
  ident: VolumeIdent,
  work: (check: AccessCheck) => Promise<T>,
): Promise<T> {
  return deps.gate.run(caller, action, auditResource(volumeSecurable(ident)), work);
}

/**
 * The volume, once the caller holds the privilege on it. Access is decided before the
 * metastore is asked, so a hidden volume fails exactly like a missing one.
 */
export async function requireVolume(
  deps: VolumeDeps,
  check: AccessCheck,
  privilege: Privilege,
  ident: VolumeIdent,
): Promise<VolumeRecord> {
  await check.require(privilege, volumeSecurable(ident));
  const record = await deps.metastore.volumes.get([...ident.namespace], ident.name);
  if (!record) throw volumeNotFound(ident);
  return record;
}
