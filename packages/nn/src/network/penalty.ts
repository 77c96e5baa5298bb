import type { LayerSizes } from './layers.js';

/**
 * The L2 term of the regularised cost over B examples, with θ in the seed's layout (bias column excluded, as the
 * seed does): adds (λ/B)·Θ_l[j, k] to each weight's gradient and returns λ/(2B)·Σ Θ_l[j, k]².
 */
export function addPenalty(
  layers: LayerSizes, theta: Float64Array | Float32Array, lambda: number, B: number, grad: Float64Array,
): number {
  const reg = lambda / B;
  let sum = 0;
  for (let l = 1, off = 0; l < layers.length; l++) {
    const cols = layers[l - 1] + 1;
    for (let j = 0; j < layers[l]; j++, off += cols) {
      for (let k = 1; k < cols; k++) {
        const w = theta[off + k];
        sum += w * w;
        grad[off + k] += reg * w;
      }
    }
  }
  return (lambda / (2 * B)) * sum;
}
