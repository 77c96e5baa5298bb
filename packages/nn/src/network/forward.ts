import type { Matrix } from '../matrix.js';
import { sigmoid } from '../sigmoid.js';
import { softmaxRows } from '../softmax.js';
import { checkActivations, seedActivations, type Activations, type HiddenActivation } from './activations.js';
import { checkTheta, type LayerSizes } from './layers.js';
import { deserialize } from './serialize.js';
import { checkInputs } from '../validate.js';

export interface ForwardPass {
  /** Activations a_1 … a_L without bias column; a[0] is X, a[L-1] is h. */
  a: Matrix[];
  /** Pre-activations z_2 … z_L (z[l] feeds a[l+1]). */
  z: Matrix[];
  /** Output activations h = a_L (m×K): sigmoids, or softmax rows summing to 1. */
  h: Matrix;
}

/** A hidden layer's f(z), α being leaky_relu's slope. */
function activate(f: HiddenActivation, z: number, alpha: number): number {
  switch (f) {
    case 'sigmoid':
      return sigmoid(z);
    case 'tanh':
      return Math.tanh(z);
    case 'relu':
      return z > 0 ? z : 0;
    case 'leaky_relu':
      return z > 0 ? z : alpha * z;
  }
}

/**
 * The seed's `feed_forward`, on any layer stack and activations (default the seed's: sigmoid everywhere), keeping
 * every intermediate (for teaching, plotting and tests). Training uses the backends' fused pass instead.
 */
export function feedForward(theta: Float64Array, X: Matrix, layers: LayerSizes, activations?: Activations): ForwardPass {
  checkInputs(X, layers);
  checkTheta(theta, layers);
  const act = activations === undefined ? seedActivations(layers) : checkActivations(activations, layers);
  const thetas = deserialize(theta, layers);
  const a: Matrix[] = [X];
  const z: Matrix[] = [];
  let prev = X;
  thetas.forEach((T, l) => {
    const output = l === thetas.length - 1;
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
        al[i * t + j] = output ? sigmoid(acc) : activate(act.hidden[l], acc, act.leakySlope);
      }
    }
    if (output && act.output === 'softmax') {
      al.set(zl);
      softmaxRows(al, m, t);
    }
    z.push({ rows: m, cols: t, data: zl });
    prev = { rows: m, cols: t, data: al };
    a.push(prev);
  });
  return { a, z, h: prev };
}
