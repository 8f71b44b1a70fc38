import { InvalidInput, NotFound } from '../../errors/index.js';
import type { Securable } from '../../governance/index.js';
import type { TableIdent } from '../contract.js';
import { checkTableIdent, formatTableName } from '../names.js';

/** A volume is named like a table: layer.namespace….name, and shares the namespace's names. */
export type VolumeIdent = TableIdent;

const MAX_PATH_LENGTH = 1024;
const PATH_HINT =
  "Use a relative path inside the volume with '/' between folders, e.g. daisy/1001.jpg (no '..', no leading '/').";

/** "bronze.media.photos" → { namespace: ['bronze', 'media'], name: 'photos' }. */
export function parseVolumeName(text: string): VolumeIdent {
  const levels = text.trim().split('.');
  const name = levels.pop() ?? '';
  try {
    return checkTableIdent({ namespace: levels, name });
  } catch (err) {
    if (!(err instanceof InvalidInput)) throw err;
    // The same rules as table names, told in the words of volumes.
    throw new InvalidInput(err.code, err.message.replace('Table name', 'Volume name'), {
      hint: 'Use layer.namespace.volume in lower case, e.g. bronze.media.photos',
    });
  }
}

export function volumePath(ident: VolumeIdent): string[] {
  return [...ident.namespace, ident.name];
}

export function volumeSecurable(ident: VolumeIdent): Securable {
  return { kind: 'volume', path: volumePath(ident) };
}

export function formatVolumeName(ident: VolumeIdent): string {
  return formatTableName(ident);
}

/** Word for word what governance says about a volume the caller may not see. */
export function volumeNotFound(ident: VolumeIdent): NotFound {
  return new NotFound('VOLUME_NOT_FOUND', `Volume ${formatVolumeName(ident)} does not exist`, {
    hint: `check the volume's name and its namespace ${ident.namespace.join('.')}`,
  });
}

export function volumeFileNotFound(ident: VolumeIdent, path: string): NotFound {
  return new NotFound(
    'VOLUME_FILE_NOT_FOUND',
    `The volume ${formatVolumeName(ident)} has no file ${path}.`,
    { hint: `list its files with lakeward volumes ls ${formatVolumeName(ident)}` },
  );
}

/**
 * A file's path inside its volume, confined to it: relative, '/'-separated, no '.' or
 * '..' segments, no empty segments or control characters. Backslashes count as
 * separators so a Windows path cannot smuggle '..' past the check.
 */
export function checkFilePath(text: string): string {
  const path = text.replaceAll('\\', '/');
  const invalid = (why: string) =>
    new InvalidInput('INVALID_VOLUME_PATH', `The file path "${text}" ${why}.`, {
      hint: PATH_HINT,
    });
  if (path === '' || path.endsWith('/')) throw invalid('does not name a file');
  if (path.length > MAX_PATH_LENGTH) throw invalid(`is longer than ${MAX_PATH_LENGTH} characters`);
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) throw invalid('is absolute');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(path)) throw invalid('has a control character');
  for (const segment of path.split('/')) {
    if (segment === '') throw invalid('has an empty folder name');
    if (segment === '.' || segment === '..') throw invalid(`has a "${segment}" segment`);
  }
  return path;
}

/** A prefix for listing: '' or a path that may end with '/'. */
export function checkPrefix(text: string | undefined): string {
  if (text === undefined || text === '') return '';
  const trimmed = text.replaceAll('\\', '/');
  return trimmed.endsWith('/') ? `${checkFilePath(trimmed.slice(0, -1))}/` : checkFilePath(trimmed);
}

/** Where a volume's files are kept in the warehouse: <layer>/<ns…>/<volume>. */
export function naturalLocation(ident: VolumeIdent): string {
  return volumePath(ident).join('/');
}

export function fileKey(location: string, path: string): string {
  return `${location}/files/${path}`;
}

/** The name part of a path and its extension in lower case ('' when none). */
export function nameAndExtension(path: string): { name: string; extension: string } {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return { name, extension: dot <= 0 ? '' : name.slice(dot + 1).toLowerCase() };
}
