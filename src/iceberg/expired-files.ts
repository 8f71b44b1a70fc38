import { decodeAvroFile } from './avro-file.js';
import { readManifestList } from './manifest-list.js';
import type { TableContext } from './table-contract.js';
import type { ExpiredFiles, FileCleanup } from './table-contract.js';
import type { ManifestFile, Snapshot } from './types.js';
import { DataFileContent, ManifestEntryStatus } from './types.js';

/** Reads and deletes run a few at a time: enough to hide store latency, not a flood. */
const CONCURRENCY = 8;

async function eachLimited<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

/** Files of this table only: whatever its metadata names elsewhere is never ours to delete. */
function insideTable(ctx: TableContext): (uri: string) => boolean {
  const prefix = `${ctx.keyPrefix.replace(/\/+$/, '')}/`;
  return (uri) => ctx.store.keyOf(uri)?.startsWith(prefix) === true;
}

interface EntryPath {
  path: string;
  content: number;
  live: boolean;
}

/** The file paths a manifest names, without decoding partitions (old specs need no schema). */
async function entryPaths(ctx: TableContext, manifest: ManifestFile): Promise<EntryPath[]> {
  const key = ctx.store.keyOf(manifest.manifestPath);
  if (key === undefined) throw new Error(`${manifest.manifestPath} is outside the warehouse`);
  const file = decodeAvroFile(await ctx.store.get(key), manifest.manifestPath);
  return file.records.map((raw) => {
    const dataFile = raw.data_file as { file_path: string; content?: number | null };
    return {
      path: dataFile.file_path,
      content: dataFile.content ?? DataFileContent.data,
      live: raw.status !== ManifestEntryStatus.deleted,
    };
  });
}

/** Manifests the snapshots list; `skip` receives a list that cannot be read, else it throws. */
async function manifestsOf(
  ctx: TableContext,
  snapshots: readonly Snapshot[],
  skip?: (list: string, err: unknown) => void,
): Promise<Map<string, ManifestFile>> {
  const manifests = new Map<string, ManifestFile>();
  await eachLimited(snapshots, async (snapshot) => {
    const list = snapshot['manifest-list'];
    try {
      for (const m of await readManifestList(ctx.store, list)) manifests.set(m.manifestPath, m);
    } catch (err) {
      if (skip === undefined) throw err;
      skip(list, err);
    }
  });
  return manifests;
}

/**
 * Reads the kept snapshots' manifest lists newest first, taking every manifest they list
 * out of `candidates`. The current list usually names every manifest an expired snapshot
 * had, so once no candidate is left the older lists are not read (as Iceberg's
 * ReachableFileCleanup prunes); only then is the result incomplete, and not needed.
 */
async function keptManifestsClearing(
  ctx: TableContext,
  kept: readonly Snapshot[],
  candidates: Map<string, ManifestFile>,
): Promise<Map<string, ManifestFile>> {
  const newestFirst = [...kept].sort((a, b) =>
    a['sequence-number'] === b['sequence-number']
      ? b['timestamp-ms'] - a['timestamp-ms']
      : a['sequence-number'] > b['sequence-number']
        ? -1
        : 1,
  );
  const manifests = new Map<string, ManifestFile>();
  for (let i = 0; i < newestFirst.length && candidates.size > 0; i += CONCURRENCY) {
    const batch = await manifestsOf(ctx, newestFirst.slice(i, i + CONCURRENCY));
    for (const [path, manifest] of batch) {
      manifests.set(path, manifest);
      candidates.delete(path);
    }
  }
  return manifests;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The files only the removed snapshots could reach: their manifest lists, the manifests
 * no kept snapshot lists, and the data and delete files those manifests name that no
 * kept manifest holds live. When the kept side cannot be read completely, nothing it
 * might need is offered for deletion (manifest lists belong to one snapshot each, so
 * those of removed snapshots always can go).
 */
export async function findExpiredFiles(
  ctx: TableContext,
  removed: readonly Snapshot[],
  kept: readonly Snapshot[],
): Promise<{ files: ExpiredFiles; problems: string[] }> {
  const ours = insideTable(ctx);
  const keptLists = new Set(kept.map((s) => s['manifest-list']));
  const files: ExpiredFiles = {
    manifestLists: removed
      .map((s) => s['manifest-list'])
      .filter((p) => ours(p) && !keptLists.has(p)),
    manifests: [],
    dataFiles: [],
    deleteFiles: [],
  };
  const problems: string[] = [];
  if (removed.length === 0) return { files, problems };
  // A removed snapshot's list that is already gone (an earlier cleanup) names nothing to do.
  const removedManifests = await manifestsOf(ctx, removed, (list, err) =>
    problems.push(`skipped unreadable manifest list ${list}: ${message(err)}`),
  );
  const candidates = new Map([...removedManifests].filter(([path]) => ours(path)));
  let keptManifests: Map<string, ManifestFile>;
  try {
    keptManifests = await keptManifestsClearing(ctx, kept, candidates);
  } catch (err) {
    problems.push(
      `could not read every kept manifest list, so only manifest lists go: ${message(err)}`,
    );
    return { files, problems };
  }
  const unreachable = new Map<string, number>();
  await eachLimited([...candidates.values()], async (manifest) => {
    try {
      for (const entry of await entryPaths(ctx, manifest)) {
        if (ours(entry.path)) unreachable.set(entry.path, entry.content);
      }
      files.manifests.push(manifest.manifestPath);
    } catch (err) {
      problems.push(`kept unreadable manifest ${manifest.manifestPath}: ${message(err)}`);
    }
  });
  if (unreachable.size === 0) return { files, problems };
  // Only a manifest that records nothing but removals can be passed over; counts another
  // writer left out read as 0, so "no live files" alone is not trusted.
  const live = [...keptManifests.values()].filter(
    (m) => m.addedFilesCount + m.existingFilesCount > 0 || m.deletedFilesCount === 0,
  );
  try {
    await eachLimited(live, async (manifest) => {
      for (const entry of await entryPaths(ctx, manifest)) {
        if (entry.live) unreachable.delete(entry.path);
      }
    });
  } catch (err) {
    problems.push(`could not read every kept manifest, so no data file goes: ${message(err)}`);
    return { files, problems };
  }
  for (const [path, content] of unreachable) {
    (content === DataFileContent.data ? files.dataFiles : files.deleteFiles).push(path);
  }
  return { files, problems };
}

/** Deletes the files; a file that will not go stays an orphan (harmless) and is reported. */
export async function deleteExpiredFiles(
  ctx: TableContext,
  files: ExpiredFiles,
): Promise<FileCleanup> {
  const failures: FileCleanup['failures'] = [];
  const deleted: ExpiredFiles = {
    manifestLists: [],
    manifests: [],
    dataFiles: [],
    deleteFiles: [],
  };
  // Content first, then what points at it: a crash part-way leaves nothing that names a
  // deleted file and is still reachable.
  for (const kind of ['dataFiles', 'deleteFiles', 'manifests', 'manifestLists'] as const) {
    await eachLimited(files[kind], async (path) => {
      try {
        const key = ctx.store.keyOf(path);
        if (key === undefined) throw new Error('outside the warehouse');
        await ctx.store.delete(key);
        deleted[kind].push(path);
      } catch (err) {
        failures.push({ path, error: message(err) });
      }
    });
  }
  return { deleted, failures };
}
