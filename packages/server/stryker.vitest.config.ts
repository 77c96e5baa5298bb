import { defineConfig } from 'vitest/config';

// The tests StrykerJS runs against each mutant (stryker.config.mjs). Stryker's vitest runner picks the pool
// itself (one worker thread per test process). Left out: the browser page, load tests and real-process
// start/shutdown tests, which each mutant would pay for and which do not pin the scoped modules.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/browser.test.ts', 'test/load.test.ts', 'test/start-server.test.ts', 'test/shutdown.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
