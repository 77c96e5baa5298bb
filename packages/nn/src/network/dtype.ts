import { InvalidArgumentError } from '../errors.js';
import { describe } from './layers.js';

/**
 * The precision a network computes in: `float64` (the seed's, the default) or `float32` — X, Y, every activation,
 * delta and product, and the gradient in float32, while the optimiser's θ (and Adam's moments) stay float64 ("float64
 * master weights"): each evaluation rounds θ to float32 and widens the float32 gradient. The one list nn, the CLI and
 * the server read (the same values as @backprop/core-native's DTYPES; nn does not need the addon to know them).
 */
export const DTYPES = ['float64', 'float32'] as const;
export type Dtype = (typeof DTYPES)[number];

/** The typed array a dtype stores its numbers in. */
export type FloatArray = Float32Array | Float64Array;

/** Throws InvalidArgumentError unless `v` is one of DTYPES. */
export function checkDtype(v: unknown, name = 'dtype'): Dtype {
  if (!(DTYPES as readonly unknown[]).includes(v)) {
    const got = typeof v === 'string' ? JSON.stringify(v) : v !== null && typeof v === 'object' ? describe(v) : String(v);
    throw new InvalidArgumentError(`${name}: expected one of ${DTYPES.join(', ')}, got ${got}`);
  }
  return v as Dtype;
}

/** θ as a float32 network holds it: every value rounded to the nearest float32 (a new Float64Array). */
export function roundTheta(theta: Float64Array, dtype: Dtype): Float64Array {
  return dtype === 'float32' ? Float64Array.from(Float32Array.from(theta)) : theta;
}

/**
 * The relative step of TNC's finite differences (its `accuracy` option) for a dtype. float64: √ε ≈ 1.5e-8 (TNC's own
 * default). float32: 1e-4. A float32 network rounds θ to float32 at each evaluation, so float64's step vanishes in
 * that rounding; too long a step, and the Hessian-vector products TNC builds its search directions from lose their
 * curvature. Measured on the seed's network (digits5000, 300 evaluations, seeds 0–4, median training accuracy,
 * 2026-12-07 on an AVX-512 Xeon with OpenBLAS's SkylakeX and Haswell kernels): λ = 1, float64 99.42 / 99.36%;
 * float32 99.10 / 99.22% at 1e-4, 99.12 / 98.94% at 3e-4, 97.64 / 97.56% at 1e-3 (the earlier default, chosen from
 * one seed), 83.6% at 3e-3; the seed's λ, 93.92 / 94.06% against 93.84 / 93.94% at 1e-4. test/f32-tnc.test.ts.
 */
export function finiteDifferenceAccuracy(dtype: Dtype): number {
  return dtype === 'float32' ? 1e-4 : Math.sqrt(2 ** -52);
}
