import type { Matrix } from '../matrix.js';
import { sigmoid } from '../sigmoid.js';
import { checkTheta, type LayerSizes } from './layers.js';
import { deserialize } from './serialize.js';
import { checkInputs } from '../validate.js';

export interface ForwardPass {
  /** Activations a_1 … a_L without bias column; a[0] is X, a[L-1] is h. */
  a: Matrix[];
  /** Pre-activations z_2 … z_L (z[l] feeds a[l+1]). */
  z: Matrix[];
  /** Output activations h = a_L (m×K). */
  h: Matrix;
}

/**
 * The seed's `feed_forward`, on any layer stack, keeping every intermediate (for teaching, plotting and tests).
 * Training uses the backends' fused pass instead.
 */
export function feedForward(theta: Float64Array, X: Matrix, layers: LayerSizes): ForwardPass {
  checkInputs(X, layers);
  checkTheta(theta, layers);
  const thetas = deserialize(theta, layers);
  const a: Matrix[] = [X];
  const z: Matrix[] = [];
  let prev = X;
  for (const T of thetas) {
    const m = prev.rows;
    const s = prev.cols;
    const t = T.rows;
    const zl = new Float64Array(m * t);
    const al = new Float64Array(m * t);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < t; j++) {
        let acc = T.data[j * (s + 1)];
        for (let k = 0; k < s; k++) acc += prev.data[i * s + k] * T.data[j * (s + 1) + 1 + k];
        zl[i * t + j] = acc;
        al[i * t + j] = sigmoid(acc);
      }
    }
    z.push({ rows: m, cols: t, data: zl });
    prev = { rows: m, cols: t, data: al };
    a.push(prev);
  }
  return { a, z, h: prev };
}
