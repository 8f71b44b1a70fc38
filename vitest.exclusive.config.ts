import { defineConfig } from 'vitest/config';

/**
 * Tests that take a shared service away (stop a broker, restart it) run here, one file
 * at a time and after the main suite, so no other test sees the outage.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.exclusive.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});
