import type { TableIdent } from '../../../src/catalog/index.js';
import type { PrimitiveType } from '../../../src/iceberg/index.js';

/** A table with one column per kind of sensitive data, plus ordinary ones. */
export const PEOPLE: TableIdent = { namespace: ['bronze', 'crm'], name: 'people' };
export const PEOPLE_PATH = ['bronze', 'crm', 'people'];
export const ROWS = 200;

export const PEOPLE_COLUMNS: { name: string; type: PrimitiveType }[] = [
  { name: 'id', type: 'long' },
  { name: 'email', type: 'string' },
  { name: 'phone', type: 'string' },
  { name: 'card', type: 'string' },
  { name: 'ssn', type: 'string' },
  { name: 'iban', type: 'string' },
  { name: 'ip', type: 'string' },
  { name: 'full_name', type: 'string' },
  { name: 'notes', type: 'string' },
  { name: 'city', type: 'string' },
  { name: 'amount', type: 'double' },
];

/** What detection must find: column → classification. Nothing else. */
export const EXPECTED = {
  card: 'credit_card',
  email: 'email',
  full_name: 'person_name',
  iban: 'iban',
  ip: 'ip_address',
  phone: 'phone',
  ssn: 'us_ssn',
};

/** Valid test card numbers and IBANs (each passes its checksum). */
const CARDS = ['4111111111111111', '5500 0000 0000 0004', '378282246310005', '6011-1111-1111-1117'];
const IBANS = ['DE89370400440532013000', 'GB82 WEST 1234 5698 7654 32', 'NL91ABNA0417164300'];
const GIVEN = ['Mary', 'John', 'Linda', 'James', 'Sarah'];
const FAMILY = ['Smith', 'Jones', 'Brown', 'Garcia', 'Miller', 'Okafor'];

const list = (values: string[]) => `[${values.map((v) => `'${v}'`).join(', ')}]`;
const pick = (values: string[]) => `${list(values)}[1 + i % ${values.length}]`;

/** Rows for GovernedHome.append; some values are NULL, as real columns have them. */
export const PEOPLE_ROWS = `SELECT
  i AS id,
  CASE WHEN i % 10 = 0 THEN NULL ELSE 'user' || i || '@example.com' END AS email,
  '+1 415 555 ' || lpad(i::VARCHAR, 4, '0') AS phone,
  ${pick(CARDS)} AS card,
  lpad((100 + i % 500)::VARCHAR, 3, '0') || '-' || lpad((1 + i % 98)::VARCHAR, 2, '0') || '-' || lpad((1 + i)::VARCHAR, 4, '0') AS ssn,
  ${pick(IBANS)} AS iban,
  '10.0.' || (i // 256) || '.' || (i % 256) AS ip,
  ${pick(GIVEN)} || ' ' || ${list(FAMILY)}[1 + i % ${FAMILY.length}] AS full_name,
  'Order ' || i || ' shipped on time' AS notes,
  ${pick(['New York', 'Paris', 'Berlin'])} AS city,
  i * 1.5 AS amount
FROM range(${ROWS}) t(i)`;
