#!/usr/bin/env node
// `lakeward … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
import('../dist/cli/main.js').then(
  async (cli) => {
    process.exitCode = await cli.main(process.argv);
  },
  () => {
    process.stderr.write('error: Lakeward is not built yet.\nhint: run npm run build first.\n');
    process.exitCode = 1;
  },
);
