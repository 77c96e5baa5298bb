// Mutation testing (issue 21) of the modules that keep data, bound input and decide the numbers a training
// trusts: model files and atomic writes, checkpoints, the MAT / IDX / CSV / PNG readers, the TS backend's cost and
// gradient, and the optimisers' line searches. Run: `npx nx run nn:mutation` (scores: RELIABILITY.md).
// Incremental: stryker-incremental.json is committed, so a run re-tests only mutants whose code or tests changed;
// `npx nx run nn:mutation -- --force` re-runs everything.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'stryker.vitest.config.ts', related: true },
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants and tables) would each run every test; they are left out (listed as
  // "ignored" in the report). The one that mattered, TNC's sufficient-decrease constant, is pinned by
  // test/tnc-linesearch-pins.test.ts, checked by hand.
  ignoreStatic: true,
  mutate: [
    'src/model/atomic.ts',
    'src/model/model.ts',
    'src/model/checkpoint.ts',
    'src/data/mat/bytes.ts',
    'src/data/mat/detect.ts',
    'src/data/mat/level5-element.ts',
    'src/data/mat/level5-read.ts',
    'src/data/mat/level4-read.ts',
    'src/data/idx.ts',
    'src/data/csv.ts',
    'src/image/png.ts',
    'src/cost.ts',
    'src/optim/tnc/linesearch.ts',
    'src/optim/wolfe.ts',
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
