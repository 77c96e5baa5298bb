import { defineConfig } from 'vitest/config';

// The tests StrykerJS runs against each mutant (stryker.config.mjs): the in-process API tests that pin the
// scoped modules, in server-pins and body-reader(-edges)-pins (small models and limits, so every bound is reached
// with a small request), and body-reader-inprocess-pins (the reader driven without HTTP). Left out: api-admin's
// concurrent swap test (3 s), api-predict's 48 MB body test (21 s for every mutant it covers), the browser page,
// load and soak tests (autocannon does not run in Stryker's worker threads) and the tests that start real server
// processes; a mutant only they would catch counts as survived.
// Stryker's vitest runner picks the pool itself (one worker thread per test process).
export default defineConfig({
  test: {
    include: [
      'test/server-pins.test.ts',
      'test/body-reader-pins.test.ts',
      'test/body-reader-edges-pins.test.ts',
      'test/body-reader-inprocess-pins.test.ts',
      'test/body-reader-charset-pins.test.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
