// `npm start`: a home on the embedded defaults, the example data in bronze, then the server.
// A new home also gets `lakeward demo` (the brief's story); later starts leave it as it is.
// Each step is the real CLI, so what a newcomer sees is what they will type later.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const home = resolve(process.env.LAKEWARD_HOME ?? 'lakehouse');
const cli = resolve('bin/lakeward.js');

function run(args) {
  const result = spawnSync(process.execPath, [cli, ...args, '--home', home], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const isNew = !existsSync(join(home, 'lakeward.yaml'));
if (isNew) run(['init']);
run([
  'ingest',
  'examples/shop/orders.csv',
  '--table',
  'bronze.shop.orders',
  '--source-system',
  'webshop',
]);
run([
  'ingest',
  'examples/shop/customers.ndjson',
  '--table',
  'bronze.shop.customers',
  '--source-system',
  'crm',
]);

// The demo runs once per home (it refuses a second run), so only on the first start.
if (isNew) run(['demo']);

console.log(`
Lakeward is starting on the home ${home}.
Try:  node bin/lakeward.js query "SELECT country, count(*) FROM bronze.shop.orders GROUP BY 1" --home ${home}
 or:  curl -s -H "Authorization: Bearer <token printed by init>" http://127.0.0.1:8080/api/v1/namespaces
`);
const server = spawn(process.execPath, [cli, 'serve', '--home', home], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
