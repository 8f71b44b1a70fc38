import { AccessGate } from '../../src/catalog/index.js';
import type { TableIdent } from '../../src/catalog/index.js';
import type { QueryService } from '../../src/catalog/index.js';
import { Quality } from '../../src/quality/index.js';
import { governedHome, type GovernedHome } from '../catalog/governed-home.js';

export const ORDERS: TableIdent = { namespace: ['silver', 'shop'], name: 'orders' };
export const CUSTOMERS: TableIdent = { namespace: ['silver', 'shop'], name: 'customers' };

/**
 * Ten orders with known flaws: customer_id NULL once and 107 twice (107 has no customer),
 * one negative quantity, one malformed e-mail; all orders from January 2024.
 */
export async function shopHome(): Promise<GovernedHome> {
  const home = await governedHome();
  const { governed } = home.services;
  await governed.createNamespace(home.admin, ['silver', 'shop']);
  await governed.createTable(home.admin, ORDERS, {
    columns: [
      { name: 'id', type: 'long', required: false },
      { name: 'customer_id', type: 'long' },
      { name: 'country', type: 'string' },
      { name: 'quantity', type: 'int' },
      { name: 'price', type: 'double' },
      { name: 'email', type: 'string' },
      { name: 'ordered_at', type: 'timestamp' },
    ],
  });
  await home.append(
    ORDERS,
    `SELECT id::BIGINT AS id, customer_id::BIGINT AS customer_id, country,
            quantity::INTEGER AS quantity, price::DOUBLE AS price, email,
            TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (id) HOUR AS ordered_at
     FROM (VALUES (1, 100, 'FR', 2, 10, 'a@x.com'), (2, 101, 'FR', 1, 20, 'b@x.com'),
                  (3, 102, 'DE', 5, 5, 'c@x.com'), (4, NULL, 'DE', 3, 15, 'd@x.com'),
                  (5, 103, 'UK', -1, 30, 'bad-email'), (6, 104, 'UK', 2, 10, 'f@x.com'),
                  (7, 105, 'FR', 4, 10, 'g@x.com'), (8, 106, 'DE', 1, 20, 'h@x.com'),
                  (9, 107, 'FR', 2, 5, 'i@x.com'), (10, 107, 'UK', 3, 25, 'j@x.com'))
          t(id, customer_id, country, quantity, price, email)`,
  );
  await governed.createTable(home.admin, CUSTOMERS, {
    columns: [
      { name: 'customer_id', type: 'long' },
      { name: 'name', type: 'string' },
    ],
  });
  await home.append(
    CUSTOMERS,
    `SELECT i::BIGINT AS customer_id, 'customer ' || i AS name FROM range(100, 107) r(i)`,
  );
  return home;
}

/** The home's quality service with every query it issues counted. */
export function countingQuality(home: GovernedHome): { quality: Quality; queries: string[] } {
  const s = home.services;
  const queries: string[] = [];
  const query: Pick<QueryService, 'execute' | 'resolverFor'> = {
    execute: (caller, sql, options) => {
      queries.push(sql);
      return s.query.execute(caller, sql, options);
    },
    resolverFor: (caller, check) => s.query.resolverFor(caller, check),
  };
  const engine = {
    execute: (...args: Parameters<typeof s.engine.execute>) => {
      queries.push(args[0]);
      return s.engine.execute(...args);
    },
  };
  const quality = new Quality({
    query,
    engine,
    gate: new AccessGate(s.authorizer, s.audit),
    governed: s.governed,
    catalog: s.catalog,
    repository: s.metastore.quality,
    changes: s.changes,
  });
  return { quality, queries };
}
