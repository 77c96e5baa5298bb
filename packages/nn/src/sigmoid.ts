/** The logistic function g(z) = 1 / (1 + e^(−z)), evaluated without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** g'(z) = g(z)(1 − g(z)). Course figures: g'([−1 −0.5 0 0.5 1]) = 0.196612 0.235004 0.25 0.235004 0.196612. */
export function sigmoidGradient(z: number): number {
  const g = sigmoid(z);
  return g * (1 - g);
}

/** softplus(t) = log(1 + e^t), stable for all t. −log g(z) = softplus(−z); −log(1 − g(z)) = softplus(z). */
export function softplus(t: number): number {
  return (t > 0 ? t : 0) + Math.log1p(Math.exp(-Math.abs(t)));
}

/** Element-wise sigmoid of an array (new Float64Array). */
export function sigmoidAll(z: ArrayLike<number>): Float64Array {
  const out = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) out[i] = sigmoid(z[i]);
  return out;
}

/** Element-wise sigmoid gradient of an array (new Float64Array). */
export function sigmoidGradientAll(z: ArrayLike<number>): Float64Array {
  const out = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) out[i] = sigmoidGradient(z[i]);
  return out;
}
