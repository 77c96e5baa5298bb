import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Stryker runs the tests in a copy of the package two levels deeper (packages/nn/.stryker-tmp/sandbox-*/), where a
// path out of the package misses: test/mat-build.ts loads ../../../scripts/reliability/fuzz/mat-build.mjs, and
// without this alias vitest dropped mat-level5-file-pins (the file failed to import) without a word.
const here = dirname(fileURLToPath(import.meta.url));
const packageDir = basename(dirname(here)) === '.stryker-tmp' ? resolve(here, '../..') : here;
const scripts = resolve(packageDir, '../../scripts');

// The tests StrykerJS runs against each mutant (stryker.config.mjs): the quick files that pin the scoped modules
// (a full-suite run per mutant would take hours on 2 cores). Trainings, benchmarks, fuzzers, the tests that
// spawn processes and the tests that time a read against a CPU or memory budget (data-mat-declared-sizes,
// png-pixel-cap: instrumented code under load would fail the budget in the dry run) are left out: a mutant only
// they would catch counts as survived here. Stryker's vitest runner picks the pool itself (one worker thread per
// test process).
export default defineConfig({
  plugins: [
    {
      name: 'repo-scripts-from-the-sandbox',
      resolveId(id) {
        const m = /(?:^|\/)scripts\/(reliability\/.+\.mjs)$/.exec(id);
        return m && !existsSync(id) ? join(scripts, m[1]) : null;
      },
    },
  ],
  test: {
    include: [
      // model files and atomic writes
      'test/model-file.test.ts',
      'test/model-file-raw-bytes.test.ts',
      'test/model-document-pins.test.ts',
      'test/model-document-edges-pins.test.ts',
      'test/atomic-write-pins.test.ts',
      'test/checkpoint-file-pins.test.ts',
      'test/model-activations-pins.test.ts',
      // readers and their bounds
      'test/data-mat-read.test.ts',
      'test/data-mat-hostile.test.ts',
      'test/data-mat-write.test.ts',
      'test/mat-small-element-pins.test.ts',
      'test/mat-bounds-messages-pins.test.ts',
      'test/mat-detect-pins.test.ts',
      'test/mat-level4-pins.test.ts',
      'test/mat-level4-file-pins.test.ts',
      'test/mat-level5-file-pins.test.ts',
      'test/mat-level5-compressed-pins.test.ts',
      'test/data-idx.test.ts',
      'test/idx-messages-pins.test.ts',
      'test/data-csv.test.ts',
      'test/data-csv-any.test.ts',
      'test/csv-reader-pins.test.ts',
      'test/csv-reader-more-pins.test.ts',
      'test/image-png.test.ts',
      'test/png-bounds-pins.test.ts',
      'test/png-encode-bounds-pins.test.ts',
      'test/bad-input.test.ts',
      // cost and gradient
      'test/cost-golden.test.ts',
      'test/cost-front-door-pins.test.ts',
      'test/cost-activations-pins.test.ts',
      'test/cost-dispose-pins.test.ts',
      'test/gradcheck.test.ts',
      'test/backend-agreement.test.ts',
      // line searches
      'test/optim-tnc.test.ts',
      'test/tnc-linesearch-pins.test.ts',
      'test/tnc-linesearch-paths-pins.test.ts',
      'test/tnc-getptc-steps-pins.test.ts',
      'test/wolfe-pins.test.ts',
      'test/optim-cg-lbfgs.test.ts',
      'test/optim-minimize.test.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
