/**
 * A separate process appending to the audit log, so the contract can check that the chain
 * head lock holds across processes. Usage: audit-appender.ts <metastore-uri> <count> <label>
 */
import { openMetastore } from '../../src/metastore/index.js';
import { link } from './audit-link.js';

const [uri, count, label] = process.argv.slice(2) as [string, string, string];
const store = await openMetastore(uri);
try {
  await Promise.all(
    Array.from({ length: Number(count) }, (_, i) =>
      store.audit.append((head) => link(head, `${label}-${i}`)),
    ),
  );
} finally {
  await store.close();
}
