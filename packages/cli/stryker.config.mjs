// Mutation testing (issue 21) of the CLI's option validation: the value parsers every flag goes through
// (parse.ts), the sweep's grid flags (sweep/grid.ts), the output-path checks made before any long work (paths.ts)
// and the exit code an error ends with (usage.ts). Run: `npx nx run cli:mutation` (it builds @backprop/nn first:
// the tests import it). Scores: RELIABILITY.md. Incremental: stryker-incremental.json is committed, so a run
// re-tests only mutants whose code or tests changed; `npx nx run cli:mutation -- --force` re-runs everything.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'stryker.vitest.config.ts', related: true },
  coverageAnalysis: 'perTest',
  mutate: ['src/parse.ts', 'src/sweep/grid.ts', 'src/paths.ts', 'src/usage.ts'],
  // The machine is shared: one test process.
  concurrency: 1,
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
