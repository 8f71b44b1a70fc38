// Runs one ingest in its own process so a test can SIGKILL it mid-way.
import { createServices } from '../../src/app.js';
import { parseTableName } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/index.js';

const [home, table, ...paths] = process.argv.slice(2);
const services = await createServices(loadConfig({ home: home ?? '', env: {} }));
try {
  const caller = {
    principal: await services.auth.localAdmin(),
    context: { channel: 'cli' as const },
  };
  const summary = await services.ingest.ingest(caller, {
    table: parseTableName(table ?? ''),
    paths,
    onProgress: (e) => console.log(`${e.phase} ${e.filesDone}/${e.filesTotal}`),
  });
  console.log(`done ${summary.rowsWritten}`);
} finally {
  await services.close();
}
