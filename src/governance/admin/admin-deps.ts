import type { Metastore } from '../../metastore/index.js';
import type { AuditLog, Authorizer, SecurableDirectory } from '../contract.js';

/** What every administration step works with; PolicyAdministration builds it once. */
export interface AdminDeps {
  metastore: Metastore;
  authorizer: Authorizer;
  audit: Pick<AuditLog, 'record'>;
  securables: SecurableDirectory;
}

/** Repositories bound to one metastore transaction. */
export type Repositories = Omit<Metastore, 'transaction' | 'close'>;
