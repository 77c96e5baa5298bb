/**
 * One Adam step over the parameter vector, in place (the inner loop of the `adam` method; see adam.ts for the
 * folded bias corrections). Per parameter i, in this order:
 *   sum[i] += g[i]·weight                        (the epoch's running gradient sum, same pass over memory)
 *   m1[i]   = β1·m1[i] + (1 − β1)·g[i]
 *   m2[i]   = β2·m2[i] + (1 − β2)·g[i]·g[i]
 *   x[i]   −= step·m1[i] / (√m2[i] + epsilon)
 * Two forms: this loop, and the addon's `adamUpdate`, which runs the same IEEE operations in the same order in C++
 * (vectorised, no FMA), so both give the same bits. The coefficients' type is the addon's (one definition: step αₜ,
 * epsilon ε̂, beta1, beta2, weight).
 */
import * as core from '@backprop/core-native';
import type { AdamCoefficients } from '@backprop/core-native';
import { BackendUnavailableError } from '../errors.js';

export type { AdamCoefficients };

/** The addon's signature (its adamUpdate), which the loop below shares. */
export type AdamStep = typeof core.adamUpdate;

export const adamStepTs: AdamStep = (x, g, m1, m2, sum, c) => {
  const { step, epsilon, beta1, beta2, weight } = c;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    sum[i] += gi * weight;
    const mi = beta1 * m1[i] + oneMinusBeta1 * gi;
    const vi = beta2 * m2[i] + oneMinusBeta2 * gi * gi;
    m1[i] = mi;
    m2[i] = vi;
    x[i] -= (step * mi) / (Math.sqrt(vi) + epsilon);
  }
};

/** Where the adam method's update runs: `auto` is the addon when it loads, else the loop above. */
export type AdamKernel = 'auto' | 'native' | 'ts';

/**
 * The step for `kernel`, found through the addon's own loader (not backend selection, which sits above the
 * optimisers). `native` without the addon is a BackendUnavailableError; `auto` then runs the loop above, with
 * no warning, since both forms give the same bits.
 */
export function adamStepFor(kernel: AdamKernel): AdamStep {
  if (kernel === 'ts') return adamStepTs;
  const status = core.nativeStatus();
  if (status.available) return core.adamUpdate;
  if (kernel === 'auto') return adamStepTs;
  throw new BackendUnavailableError(`adam option 'backend' is 'native' but the native addon is unavailable: ${status.reason}`);
}
