import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backendInfo } from '../src/backend/select.js';
import { Classifier } from '../src/classifier.js';
import { loadDataset } from '../src/data/datasets.js';
import { SEED } from '../src/presets.js';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
const native = backendInfo().nativeAvailable;
if (!native) console.warn('[backend-seed-agreement] SKIPPED: the native addon is not built, so there is no second backend to compare');

describe('the seed trained on both backends (what README "Backends" claims)', () => {
  it.skipIf(!native)('TNC on digits5000, same seed: final training accuracy within half a point', () => {
    const digits = loadDataset(SEED.dataset);
    const runs = (['native', 'ts'] as const).map((backend) => {
      const started = Date.now();
      const clf = new Classifier({ ...SEED, backend }).fit(digits);
      const t = clf.model.training!;
      console.log(`[backend-seed-agreement] ${backend}: accuracy ${t.trainAccuracy}, cost ${t.cost}, ${t.nfev} evaluations, ${Date.now() - started} ms`);
      return { accuracy: clf.score(digits), nfev: t.nfev };
    });
    expect(runs.map((r) => r.nfev)).toEqual([SEED.optimizer.maxfun, SEED.optimizer.maxfun]);
    expect(runs[0].accuracy).toBeGreaterThan(0.9);
    expect(Math.abs(runs[0].accuracy - runs[1].accuracy)).toBeLessThanOrEqual(0.005);
  }, 300_000);

  it('README states what holds: per-evaluation agreement to 1e-12 and final accuracy within half a point', () => {
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf('\n## Backends\n');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1)).replace(/\s+/g, ' ');
    expect(section).not.toMatch(/same results to rounding/);
    expect(section).toMatch(/Each evaluation \(cost, gradient, prediction\) agrees between the two to 1e-12/);
    expect(section).toMatch(/final accuracy, within half a point/);
  });
});
