// Mutation testing (issue 21) of the modules that bound what a request can do and decide who may change models:
// input validation, body limits, admin auth and model names (which become file names).
// Run: `npx nx run server:mutation` (it builds @backprop/nn first: the tests import it). Scores: RELIABILITY.md.
// Incremental: stryker-incremental.json is committed, so a run re-tests only mutants whose code or tests changed;
// `npx nx run server:mutation -- --force` re-runs everything.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'stryker.vitest.config.ts', related: true },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/inputs.ts',
    'src/middleware/admin-auth.ts',
    'src/middleware/json-body.ts',
    'src/model-name.ts',
  ],
  // The machine is shared: two test processes at most.
  concurrency: 2,
  timeoutMS: 20000,
  incremental: true,
  incrementalFile: 'stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 90, low: 85, break: null },
};
