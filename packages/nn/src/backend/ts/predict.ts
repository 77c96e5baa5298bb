import type { Matrix } from '../../matrix.js';
import { thetaOffsets, type LayerSizes } from '../../network/layers.js';

/** Forward pass only: output activations h (m×K) for the rows of X (no bias column). */
export function tsPredict(layers: LayerSizes, theta: Float64Array, X: Matrix): Matrix {
  const m = X.rows;
  const offsets = thetaOffsets(layers);
  let A = X.data;
  for (let l = 1; l < layers.length; l++) {
    const s = layers[l - 1];
    const t = layers[l];
    const off = offsets[l - 1];
    const WT = new Float64Array(s * t);
    for (let j = 0; j < t; j++) for (let k = 0; k < s; k++) WT[k * t + j] = theta[off + j * (s + 1) + 1 + k];
    const out = new Float64Array(m * t);
    for (let r = 0; r < m; r++) {
      const zo = r * t;
      const ao = r * s;
      for (let j = 0; j < t; j++) out[zo + j] = theta[off + j * (s + 1)];
      for (let k = 0; k < s; k++) {
        const a = A[ao + k];
        if (a === 0) continue;
        const wo = k * t;
        for (let j = 0; j < t; j++) out[zo + j] += a * WT[wo + j];
      }
      for (let j = 0; j < t; j++) {
        const z = out[zo + j];
        out[zo + j] = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      }
    }
    A = out;
  }
  return { rows: m, cols: layers[layers.length - 1], data: A };
}
