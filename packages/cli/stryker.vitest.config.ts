import { defineConfig } from 'vitest/config';

// The tests StrykerJS runs against each mutant (stryker.config.mjs): the in-process option-value tests. The
// other CLI tests spawn the built command (dist/), which never sees Stryker's mutants, so they would only add
// time; a mutant only they would catch counts as survived here.
export default defineConfig({
  test: {
    include: ['test/option-values.test.ts', 'test/sweep-grid-activations-pins.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
