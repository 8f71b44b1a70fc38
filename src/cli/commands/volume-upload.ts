import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import type { UploadedFile, VolumeIdent } from '../../catalog/index.js';
import { InvalidInput } from '../../errors/index.js';
import type { Session } from '../session.js';

/** A local file and the path it gets inside the volume. */
export interface UploadItem {
  local: string;
  target: string;
}

/**
 * What `volumes upload` sends: a file goes under its own name, a folder's files keep
 * their paths relative to it (recursively); --to puts everything under a folder.
 */
export async function uploadItems(paths: string[], to: string | undefined): Promise<UploadItem[]> {
  const prefix = to === undefined || to === '' ? '' : `${to.replace(/\/+$/, '')}/`;
  const items: UploadItem[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) {
      throw new InvalidInput('UPLOAD_SOURCE_NOT_FOUND', `There is no file or folder ${path}.`, {
        hint: 'Check the path; folders are uploaded with everything below them.',
      });
    }
    if (info.isDirectory()) {
      for (const file of await filesBelow(path)) {
        items.push({ local: file, target: prefix + relative(path, file).split(sep).join('/') });
      }
    } else {
      items.push({ local: path, target: prefix + basename(path) });
    }
  }
  return items;
}

async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Uploads one by one (each streamed from disk), with a progress bar when a person watches. */
export async function uploadAll(
  session: Session,
  volume: VolumeIdent,
  items: UploadItem[],
  options: { overwrite: boolean; stderr: NodeJS.WritableStream },
): Promise<UploadedFile[]> {
  const watching = (options.stderr as { isTTY?: boolean }).isTTY === true && items.length > 1;
  const bar = watching
    ? new SingleBar(
        {
          stream: options.stderr,
          format: ' {bar} {value}/{total} files | {file}',
          hideCursor: true,
          clearOnComplete: true,
        },
        Presets.shades_classic,
      )
    : undefined;
  bar?.start(items.length, 0, { file: '' });
  const uploaded: UploadedFile[] = [];
  try {
    for (const item of items) {
      bar?.update(uploaded.length, { file: item.target });
      const source = createReadStream(item.local);
      try {
        uploaded.push(
          await session.services.volumes.files.upload(session.caller, volume, item.target, source, {
            overwrite: options.overwrite,
          }),
        );
      } finally {
        source.destroy();
      }
    }
    bar?.update(uploaded.length, { file: '' });
  } finally {
    bar?.stop();
  }
  return uploaded;
}
