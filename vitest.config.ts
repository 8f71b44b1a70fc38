import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that stop a shared broker run alone afterwards (vitest.exclusive.config.ts).
    exclude: ['**/node_modules/**', 'test/**/*.exclusive.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
