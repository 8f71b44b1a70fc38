import type { Metastore } from '../../metastore/index.js';

/** A volume as its search document needs it. */
export interface VolumeFacts {
  description: string | null;
  owner: string | null;
  updatedAt: Date;
}

/**
 * What the indexer must enumerate beyond CatalogService (a rebuild walks everything);
 * each part is optional so search works before glossary and volumes exist.
 */
export interface SearchListing {
  glossaryTerms?(): Promise<string[]>;
  /** Names of the volumes directly in the namespace. */
  volumes?(namespace: string[]): Promise<string[]>;
  /** undefined when there is no such volume. */
  volume?(path: string[]): Promise<VolumeFacts | undefined>;
  /** File ids of one volume. */
  volumeFiles?(volume: string[]): Promise<string[]>;
}

/** The listing read straight from the metastore's glossary and volume repositories. */
export function metastoreListing(
  metastore: Pick<Metastore, 'glossary' | 'volumes'>,
): Required<SearchListing> {
  const volumeRecord = (path: string[]) => metastore.volumes.get(path.slice(0, -1), path.at(-1)!);
  return {
    glossaryTerms: async () => (await metastore.glossary.listTerms()).map((t) => t.name),
    volumes: async (namespace) => (await metastore.volumes.list(namespace)).map((v) => v.name),
    volume: async (path) => {
      const v = await volumeRecord(path);
      return v && { description: v.description, owner: v.owner, updatedAt: v.updatedAt };
    },
    volumeFiles: async (path) => {
      const v = await volumeRecord(path);
      return v === undefined ? [] : (await metastore.volumes.listFiles(v.id)).map((f) => f.id);
    },
  };
}
