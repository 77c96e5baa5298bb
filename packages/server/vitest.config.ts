import { defineConfig } from 'vitest/config';

// `nx run server:test` runs from this directory; the repo-wide run uses the root config.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
