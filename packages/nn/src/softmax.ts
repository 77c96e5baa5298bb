/**
 * Each row of z (m×K) replaced by softmax(z) = e^{z − M} / Σ e^{z − M}, M the row's largest value (log-sum-exp safe);
 * in a Float32Array each result is rounded to float32 as it is stored.
 */
export function softmaxRows(z: Float64Array | Float32Array, m: number, K: number): void {
  for (let o = 0; o < m * K; o += K) {
    let M = z[o];
    for (let k = 1; k < K; k++) if (z[o + k] > M) M = z[o + k];
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(z[o + k] - M);
    for (let k = 0; k < K; k++) z[o + k] = Math.exp(z[o + k] - M) / sum;
  }
}
