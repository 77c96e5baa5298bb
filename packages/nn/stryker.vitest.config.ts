import { defineConfig } from 'vitest/config';

// The tests StrykerJS runs against each mutant (stryker.config.mjs): this package's, from its own directory.
// Stryker's vitest runner picks the pool itself (one worker thread per test process). Left out: the files that
// run whole trainings, benchmarks or fuzzers, or spawn processes; each mutant would pay for them, and the tests
// that pin the scoped modules' behaviour are the quick ones (a mutant only those files kill counts as survived).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [
      'test/bench-smoke.test.ts',
      'test/fuzz-*.test.ts',
      'test/train-mnist.test.ts',
      'test/train-seed.test.ts',
      'test/data-digits5000.test.ts',
      'test/backend-fallback.test.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
