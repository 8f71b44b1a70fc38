#!/usr/bin/env node
import('../dist/cli/main.js').then(
  async (cli) => {
    process.exitCode = await cli.main(process.argv);
  },
  () => {
    process.stderr.write('error: Lakeward is not built yet.\nhint: run npm run build first.\n');
    process.exitCode = 1;
  },
);
