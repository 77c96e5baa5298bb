// An independent reference for the addon: the seed's formulas (Ng ex4) written as plain per-example loops,
// the way the course states backpropagation ("for t = 1 to m"), with no BLAS, no matrix layout tricks and the
// seed's own sigmoid, log(h) cost and sigmoid_gradient(z). Also a seeded PRNG and comparison helpers.

/** mulberry32: a small seeded PRNG so every test draws the same data on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uniform(rand: () => number, n: number, lo: number, hi: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rand();
  return out;
}

/** m x K one-hot rows for random labels. */
export function oneHot(rand: () => number, m: number, K: number): Float64Array {
  const Y = new Float64Array(m * K);
  for (let i = 0; i < m; i++) Y[i * K + Math.floor(rand() * K)] = 1;
  return Y;
}

export function parameterCount(layers: readonly number[]): number {
  let n = 0;
  for (let l = 0; l + 1 < layers.length; l++) n += layers[l + 1] * (layers[l] + 1);
  return n;
}

/** Theta_l as an array of rows (s_{l+1} rows of s_l + 1 entries), deserialised from the flat theta. */
export function deserialize(layers: readonly number[], theta: Float64Array): number[][][] {
  const Thetas: number[][][] = [];
  let offset = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const rows: number[][] = [];
    for (let j = 0; j < layers[l + 1]; j++) {
      rows.push(Array.from(theta.subarray(offset, offset + layers[l] + 1)));
      offset += layers[l] + 1;
    }
    Thetas.push(rows);
  }
  return Thetas;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const sigmoidGradient = (z: number): number => sigmoid(z) * (1 - sigmoid(z));

interface Trace {
  a: number[][]; // a[l] with the bias unit in front (a[l][0] = 1) for l < L; a[L] = h without bias
  z: number[][]; // z[l] for l >= 1
}

function feedForwardExample(Thetas: number[][][], x: ArrayLike<number>): Trace {
  const a: number[][] = [[1, ...Array.from(x)]];
  const z: number[][] = [[]];
  for (let l = 0; l < Thetas.length; l++) {
    const zl = Thetas[l].map((row) => row.reduce((sum, w, c) => sum + w * a[l][c], 0));
    z.push(zl);
    const g = zl.map(sigmoid);
    a.push(l + 1 < Thetas.length ? [1, ...g] : g);
  }
  return { a, z };
}

/** The seed's regularised cost and gradient (reg_cost, reg_gradient) for any depth, one example at a time. */
export function referenceCostGradient(
  layers: readonly number[], theta: Float64Array, lambda: number, X: Float64Array, Y: Float64Array, m: number,
): { J: number; grad: Float64Array; scale: Float64Array } {
  const Thetas = deserialize(layers, theta);
  const L = Thetas.length;
  const K = layers[L];
  const n = layers[0];
  const Deltas = Thetas.map((T) => T.map((row) => row.map(() => 0)));
  const Magnitudes = Thetas.map((T) => T.map((row) => row.map(() => 0))); // sums of |d a|
  let J = 0;
  for (let t = 0; t < m; t++) {
    const { a, z } = feedForwardExample(Thetas, X.subarray(t * n, (t + 1) * n));
    const h = a[L];
    const y = Y.subarray(t * K, (t + 1) * K);
    for (let k = 0; k < K; k++) J -= y[k] * Math.log(h[k]) + (1 - y[k]) * Math.log(1 - h[k]);
    // d^(L) = h - y; d^(l) = Theta^(l)[:, 1:]^T d^(l+1) .* g'(z^(l)); Delta^(l) += d^(l+1) a^(l)^T
    let d = h.map((hk, k) => hk - y[k]);
    for (let l = L - 1; l >= 0; l--) {
      for (let j = 0; j < d.length; j++) {
        for (let c = 0; c < a[l].length; c++) {
          Deltas[l][j][c] += d[j] * a[l][c];
          Magnitudes[l][j][c] += Math.abs(d[j] * a[l][c]);
        }
      }
      if (l === 0) break;
      const previous: number[] = [];
      for (let c = 1; c < a[l].length; c++) {
        let s = 0;
        for (let j = 0; j < d.length; j++) s += Thetas[l][j][c] * d[j];
        previous.push(s * sigmoidGradient(z[l][c - 1]));
      }
      d = previous;
    }
  }
  J /= m;
  let squares = 0;
  for (const T of Thetas) for (const row of T) for (let c = 1; c < row.length; c++) squares += row[c] * row[c];
  J += (lambda / (2 * m)) * squares;
  const grad = new Float64Array(theta.length);
  const scale = new Float64Array(theta.length);
  let i = 0;
  for (let l = 0; l < L; l++) {
    for (let j = 0; j < Thetas[l].length; j++) {
      for (let c = 0; c < Thetas[l][j].length; c++) {
        const regularisation = c === 0 ? 0 : (lambda / m) * Thetas[l][j][c];
        grad[i] = Deltas[l][j][c] / m + regularisation;
        scale[i] = Magnitudes[l][j][c] / m + Math.abs(regularisation);
        i++;
      }
    }
  }
  return { J, grad, scale };
}

/**
 * The cost in a form that stays finite for saturated units: per entry softplus(z) - y z (= -(y log g(z) +
 * (1 - y) log(1 - g(z)))), softplus(z) = log(1 + e^z) evaluated as z + log1p(e^-z) for z > 0.
 */
export function referenceStableCost(
  layers: readonly number[], theta: Float64Array, lambda: number, X: Float64Array, Y: Float64Array, m: number,
): number {
  const Thetas = deserialize(layers, theta);
  const L = Thetas.length;
  const K = layers[L];
  const n = layers[0];
  const softplus = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
  let J = 0;
  for (let t = 0; t < m; t++) {
    const zL = feedForwardExample(Thetas, X.subarray(t * n, (t + 1) * n)).z[L];
    for (let k = 0; k < K; k++) J += softplus(zL[k]) - Y[t * K + k] * zL[k];
  }
  let squares = 0;
  for (const T of Thetas) for (const row of T) for (let c = 1; c < row.length; c++) squares += row[c] * row[c];
  return J / m + (lambda / (2 * m)) * squares;
}

/** The seed's feed_forward output h for every row of X (m x K). */
export function referencePredict(layers: readonly number[], theta: Float64Array, X: Float64Array, m: number): Float64Array {
  const Thetas = deserialize(layers, theta);
  const K = layers[layers.length - 1];
  const n = layers[0];
  const out = new Float64Array(m * K);
  for (let t = 0; t < m; t++) out.set(feedForwardExample(Thetas, X.subarray(t * n, (t + 1) * n)).a[Thetas.length], t * K);
  return out;
}

/**
 * Largest |actual - expected| / scale over all entries, scale[i] = the sum of the magnitudes of the terms that
 * make up expected[i] (>= |expected[i]|). This is relative error measured against what the sum is made of, so an
 * entry that nearly cancels (e.g. -1e-5 from +0.018 and -0.018) is held to the same 1e-12 as every other one,
 * while a different but equally exact summation order (BLAS vs this loop) is not mistaken for an error.
 */
export function maxScaledError(actual: ArrayLike<number>, expected: ArrayLike<number>, scale: ArrayLike<number>): number {
  if (actual.length !== expected.length || actual.length !== scale.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    if (diff === 0) continue;
    worst = Math.max(worst, scale[i] === 0 ? Infinity : diff / scale[i]);
  }
  return worst;
}

/** Largest |actual - expected| / |expected| over all entries (entries with expected = 0 must match exactly). */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    if (diff === 0) continue;
    worst = Math.max(worst, expected[i] === 0 ? Infinity : diff / Math.abs(expected[i]));
  }
  return worst;
}

export function relativeError(actual: number, expected: number): number {
  return actual === expected ? 0 : Math.abs(actual - expected) / Math.abs(expected);
}

/** Row-major rows of X gathered in the order of rows. */
export function gather(X: Float64Array, columns: number, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length * columns);
  for (let r = 0; r < rows.length; r++) out.set(X.subarray(rows[r] * columns, (rows[r] + 1) * columns), r * columns);
  return out;
}

/** A random problem whose inputs are `density` non-zero (the sparse first layer's case). */
export function sparseProblem(layers: number[], m: number, seed: number, density: number) {
  const rand = prng(seed);
  const X = uniform(rand, m * layers[0], 0, 1);
  for (let k = 0; k < X.length; k++) if (rand() >= density) X[k] = 0;
  const Y = oneHot(rand, m, layers[layers.length - 1]);
  const theta = uniform(rand, parameterCount(layers), -0.8, 0.8);
  return { layers, m, X, Y, theta };
}
