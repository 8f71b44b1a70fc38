import type { Kysely } from 'kysely';
import type { Database, MetastoreDialect } from './database.js';
import type { Executor } from './executor.js';
import { topLevelExecutor, transactionExecutor } from './executor.js';
import { auditRepository } from './audit-repository.js';
import { dataPolicyRepository } from './data-policy-repository.js';
import { grantRepository } from './grant-repository.js';
import { groupRepository } from './group-repository.js';
import { ingestedFileRepository } from './ingested-file-repository.js';
import { namespaceRepository } from './namespace-repository.js';
import { policyVersionRepository } from './policy-version-repository.js';
import { principalRepository } from './principal-repository.js';
import { catalogMetadataRepository } from './catalog-metadata-repository.js';
import { glossaryRepository } from './glossary-repository.js';
import { classificationRepository } from './classification-repository.js';
import { searchRepository } from './search-repository.js';
import { externalTableRepository } from './external-table-repository.js';
import { crawlerRepository } from './crawler-repository.js';
import { streamRepository } from './stream-repository.js';
import { volumeRepository } from './volume-repository.js';
import { qualityRepository } from './quality-repository.js';
import { lineageRepository } from './lineage-repository.js';
import { pipelineRepository } from './pipeline-repository.js';
import type { Metastore } from './repositories.js';
import { securablePathRepository } from './securable-path-repository.js';
import { tableRepository } from './table-repository.js';
import { tagRepository } from './tag-repository.js';
import { tokenRepository } from './token-repository.js';

type Repositories = Omit<Metastore, 'transaction' | 'close'>;

function repositories(executor: Executor): Repositories {
  return {
    dialect: executor.dialect,
    namespaces: namespaceRepository(executor),
    tables: tableRepository(executor),
    ingestedFiles: ingestedFileRepository(executor),
    principals: principalRepository(executor),
    tokens: tokenRepository(executor),
    groups: groupRepository(executor),
    grants: grantRepository(executor),
    tags: tagRepository(executor),
    dataPolicies: dataPolicyRepository(executor),
    securablePaths: securablePathRepository(executor),
    audit: auditRepository(executor),
    policyVersion: policyVersionRepository(executor),
    quality: qualityRepository(executor),
    lineage: lineageRepository(executor),
    pipelines: pipelineRepository(executor),
    metadata: catalogMetadataRepository(executor),
    glossary: glossaryRepository(executor),
    classifications: classificationRepository(executor),
    search: searchRepository(executor),
    externalTables: externalTableRepository(executor),
    crawlers: crawlerRepository(executor),
    volumes: volumeRepository(executor),
    streams: streamRepository(executor),
  };
}

/** The Metastore over an open, migrated Kysely database. */
export function kyselyMetastore(db: Kysely<Database>, dialect: MetastoreDialect): Metastore {
  const executor = topLevelExecutor(db, dialect);
  return {
    ...repositories(executor),
    transaction: (fn) =>
      executor.atomic((tx) => fn(repositories(transactionExecutor(tx, dialect)))),
    close: () => db.destroy(),
  };
}
