/**
 * float32 with TNC, the seed's method (found by a new user's review): TNC's Hessian-vector products are forward
 * differences with a relative step `accuracy`, √ε of float64 (1.5e-8) by default. A float32 network rounds θ to
 * float32 at each evaluation, so that step vanished in the rounding and the seed's training stopped at ~89% (a sweep's
 * short run at 16%). With a float32 network, TNC now steps by 1e-3 unless told otherwise (network/dtype.ts says why);
 * the reference is the same training in float64, which float32 must match to within a point of accuracy.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDigits5000 } from '../src/data/digits5000.js';
import type { Dataset } from '../src/data/dataset.js';
import { finiteDifferenceAccuracy } from '../src/network/dtype.js';
import { train } from '../src/train.js';

let digits: Dataset;
beforeAll(() => {
  digits = loadDigits5000();
});

const seedRun = (dtype: 'float32' | 'float64', optimizer?: Record<string, unknown>, lambda?: number) =>
  train({ hidden: [25] }, digits, { ...(lambda !== undefined ? { lambda } : {}), seed: 0, dtype, trackAccuracy: false, ...(optimizer ? { optimizer } : {}) });

describe('the seed’s training (TNC, 300 evaluations) in float32', () => {
  it.each([[undefined], [1]])('λ = %s (undefined: the seed’s): float64’s training accuracy to within a point', async (lambda) => {
    const [f64, f32] = [await seedRun('float64', undefined, lambda), await seedRun('float32', undefined, lambda)];
    const acc64 = f64.model.training!.trainAccuracy!, acc32 = f32.model.training!.trainAccuracy!;
    expect(acc64).toBeGreaterThan(0.93);
    expect(Math.abs(acc32 - acc64)).toBeLessThanOrEqual(0.01);
    expect(f32.result.fun).toBeLessThanOrEqual(1.15 * f64.result.fun);
  }, 120_000);

  it('steps its finite differences by 1e-3 (recorded with the model), and a caller’s accuracy wins', async () => {
    expect(finiteDifferenceAccuracy('float32')).toBe(1e-3);
    expect(finiteDifferenceAccuracy('float64')).toBe(Math.sqrt(2 ** -52));
    const f32 = await seedRun('float32', { maxfun: 20 });
    expect(f32.model.training!.options).toMatchObject({ accuracy: 1e-3 });
    const given = await seedRun('float32', { maxfun: 20, accuracy: 1e-3 });
    expect(given.model.training!.options).toMatchObject({ accuracy: 1e-3 });
    const f64 = await seedRun('float64', { maxfun: 20 });
    expect(f64.model.training!.options).not.toHaveProperty('accuracy');
  }, 60_000);
});
