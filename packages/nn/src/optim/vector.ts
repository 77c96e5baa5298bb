/** Small dense-vector helpers on Float64Array, named after the BLAS routines they stand for. */

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Euclidean norm, accumulated with a running scale so it neither overflows nor underflows (LAPACK dnrm2 style).
 * With `skip`, the entries where skip[i] ≠ 0 are left out (TNC's held variables): zeros add nothing, so that is
 * exactly the norm of the copy with those entries zeroed.
 */
export function norm2(a: Float64Array, skip?: Int8Array): number {
  let scale = 0;
  let ssq = 1;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v === 0 || (skip !== undefined && skip[i] !== 0)) continue;
    const abs = Math.abs(v);
    if (scale < abs) {
      const r = scale / abs;
      ssq = 1 + ssq * r * r;
      scale = abs;
    } else {
      const r = abs / scale;
      ssq += r * r;
    }
  }
  return scale * Math.sqrt(ssq);
}

/** max |a_i| (the ∞-norm). */
export function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}

/** y += alpha·x */
export function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}

/** out = x + alpha·d (out may not alias d). */
export function addScaled(x: Float64Array, alpha: number, d: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = x[i] + alpha * d[i];
  return out;
}

/** x = alpha·x */
export function scal(alpha: number, x: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i] *= alpha;
}
