// @backprop/core-native: the typed surface of the OpenBLAS addon. Every argument is validated here before it
// crosses into C++ (which validates it again). Buffers are row-major Float64Arrays; theta is the seed's flat
// order: Theta1 (layers[1] x (layers[0] + 1), column 0 = bias) row-major, then Theta2, ...
import * as check from './checks.js';
import { loadNative, type BlasInfo, type NativeNetworkBinding } from './load.js';

export { loadNative, nativeStatus, NativeUnavailableError } from './load.js';
export type { BlasInfo, IsaInfo, NativeBinding, NativeNetworkBinding, NativeStatus } from './load.js';
export { ISA_CLASSES, isaEnvProblem, platformClasses, type IsaClass } from './isa.js';
export { parameterCountOf, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, DTYPES } from './checks.js';

/**
 * The element type a network computes in (issue 16). 'float64' (the default) is the seed's. With 'float32' the
 * resident X and Y, every activation, delta and product (cblas_sgemm) and the gradient are float32: theta stays a
 * Float64Array for the optimiser, rounded to float32 (Math.fround) at each evaluation, the float32 gradient is
 * widened into grad, and the cost is summed in double. Outputs (predict's, feedForward's) are widened likewise.
 */
export type Dtype = (typeof check.DTYPES)[number];

/**
 * A network's activations (issue 16): one per hidden layer, and the output's. Absent means the seed's network
 * (sigmoid hidden layers, sigmoid one-vs-all outputs with the seed's cross-entropy). `softmax` outputs rows that sum
 * to 1, with categorical cross-entropy computed by log-sum-exp. Derivatives at relu's kink (z = 0 exactly) follow
 * PyTorch: relu'(0) = 0, leaky_relu'(0) = leakySlope.
 */
export interface Activations {
  readonly hidden: readonly string[];
  readonly output: string;
  /** leaky_relu's α in max(αz, z): 0 < α < 1 (required even when no layer is leaky_relu). */
  readonly leakySlope: number;
}

/** Sets OpenBLAS's thread count (process-wide). With worker threads, use 1 per worker. */
export function setThreads(n: number): void {
  loadNative().setThreads(check.dimension(n, 'n', check.MAX_THREADS));
}

/** OpenBLAS's current thread count. */
export function getThreads(): number {
  return loadNative().getThreads();
}

/** The BLAS library the addon runs on: { library: 'OpenBLAS', config: openblas_get_config(), threads }. */
export function blasInfo(): BlasInfo {
  return loadNative().blasInfo();
}

/**
 * Row-major C = alpha op(A) op(B) + beta C, with op(A) M x K and op(B) K x N (cblas_dgemm).
 * A holds M*K elements (K x M when transA), B holds K*N (N x K when transB), C holds M*N; C must not overlap A or B.
 */
export function gemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: Float64Array, B: Float64Array, beta: number, C: Float64Array,
): void {
  check.boolean(transA, 'transA');
  check.boolean(transB, 'transB');
  check.dimension(M, 'M');
  check.dimension(N, 'N');
  check.dimension(K, 'K');
  check.finiteNumber(alpha, 'alpha', false);
  check.float64Array(A, 'A', check.elementCount(M, K, 'A'));
  check.float64Array(B, 'B', check.elementCount(K, N, 'B'));
  check.finiteNumber(beta, 'beta', false);
  check.float64Array(C, 'C', check.elementCount(M, N, 'C'));
  check.disjoint(C, 'C', A, 'A');
  check.disjoint(C, 'C', B, 'B');
  loadNative().gemm(transA, transB, M, N, K, alpha, A, B, beta, C);
}

/** The coefficients of one Adam step, bias corrections already folded in (see adamUpdate). */
export interface AdamCoefficients {
  /** αₜ = η·√(1 − β2ᵗ)/(1 − β1ᵗ) */
  step: number;
  /** ε̂ = ε·√(1 − β2ᵗ) */
  epsilon: number;
  beta1: number;
  beta2: number;
  /** The factor g is added into `sum` with (the batch's example count). */
  weight: number;
}

/**
 * One Adam step in place, per parameter i (the loop of @backprop/nn's adam, bit for bit):
 *   sum[i] += g[i]·weight;  m1[i] = β1·m1[i] + (1 − β1)·g[i];  m2[i] = β2·m2[i] + (1 − β2)·g[i]·g[i];
 *   x[i] −= step·m1[i] / (√m2[i] + epsilon).
 * Five Float64Arrays of one length, pairwise disjoint; step and weight finite, epsilon ≥ 0, β1 and β2 in [0, 1).
 */
export function adamUpdate(
  x: Float64Array, g: Float64Array, m1: Float64Array, m2: Float64Array, sum: Float64Array, c: AdamCoefficients,
): void {
  if (!(x instanceof Float64Array)) {
    throw check.typeError(`x: expected a Float64Array, got ${check.describe(x)}`);
  }
  const n = x.length;
  const vectors: [Float64Array, string][] = [[x, 'x'], [g, 'g'], [m1, 'm1'], [m2, 'm2'], [sum, 'sum']];
  for (const [v, name] of vectors) check.float64Array(v, name, n);
  for (let a = 0; a < vectors.length; a++) {
    for (let b = a + 1; b < vectors.length; b++) check.disjoint(vectors[a][0], vectors[a][1], vectors[b][0], vectors[b][1]);
  }
  if (c === null || typeof c !== 'object') {
    throw check.typeError(`c: expected { step, epsilon, beta1, beta2, weight }, got ${check.describe(c)}`);
  }
  check.finiteNumber(c.step, 'step', false);
  check.finiteNumber(c.epsilon, 'epsilon', true);
  for (const name of ['beta1', 'beta2'] as const) {
    check.finiteNumber(c[name], name, true);
    if (c[name] >= 1) throw check.rangeError(`${name}: expected a number in [0, 1), got ${c[name]}`);
  }
  check.finiteNumber(c.weight, 'weight', false);
  loadNative().adamUpdate(x, g, m1, m2, sum, c.step, c.epsilon, c.beta1, c.beta2, c.weight);
}

/**
 * A network (sigmoid throughout unless `activations` says otherwise) whose training set lives in native memory.
 * X (m x layers[0], no bias column) and Y (m x K one-hot, K = last layer) are copied in once, so later changes to
 * the caller's arrays do not affect it, and every workspace is allocated for m rows up front: costGradient
 * allocates nothing. With dtype 'float32' (see Dtype) X and Y are rounded to float32 when copied in (the resident
 * X takes m x layers[0] x 4 bytes) and every pass, full batch or minibatch, runs through cblas_sgemm.
 *
 * One costGradientAsync may be in flight per network; any other call on the network meanwhile fails with
 * code ERR_BUSY (the async call rejects, the sync calls throw). Await it first, or use one network per worker.
 */
export class NativeNetwork {
  readonly layers: readonly number[];
  readonly m: number;
  /** Sum over l of layers[l+1] * (layers[l] + 1). */
  readonly parameterCount: number;
  /** The element type it computes in ('float64' unless given). */
  readonly dtype: Dtype;
  #handle: NativeNetworkBinding | undefined;

  constructor(
    layers: readonly number[], X: Float64Array, Y: Float64Array, m: number, activations?: Activations, dtype?: Dtype,
  ) {
    const sizes = check.layerSizes(layers, 'layers');
    check.activations(activations, 'activations', sizes);
    this.dtype = check.dtype(dtype, 'dtype');
    check.dimension(m, 'm');
    check.float64Array(X, 'X', check.elementCount(m, sizes[0], 'X'));
    check.float64Array(Y, 'Y', check.elementCount(m, sizes[sizes.length - 1], 'Y'));
    this.#handle = new (loadNative().NativeNetwork)(sizes, X, Y, m, activations, this.dtype);
    this.layers = sizes;
    this.m = m;
    this.parameterCount = check.parameterCountOf(sizes);
  }

  /** True once dispose() has been called. */
  get disposed(): boolean {
    return this.#handle === undefined;
  }

  /**
   * Regularised cross-entropy J(theta) (bias weights not regularised), with its gradient written into grad: the
   * seed's summed over the K sigmoid outputs, or with a softmax output -(1/m) sum y log p.
   * With rows, over those rows of the resident data only (a minibatch: m_batch = rows.length in 1/m and lambda/2m).
   */
  costGradient(theta: Float64Array, lambda: number, grad: Float64Array, rows?: Uint32Array): number {
    const handle = this.#live('costGradient');
    this.#checkCostGradient(theta, lambda, grad, rows);
    return handle.costGradient(theta, lambda, grad, rows);
  }

  /**
   * costGradient on a libuv worker thread. theta and rows are copied when called; grad is written when the
   * promise resolves. Bad arguments reject (they do not throw); a second call while one is in flight rejects
   * with code ERR_BUSY.
   */
  costGradientAsync(theta: Float64Array, lambda: number, grad: Float64Array, rows?: Uint32Array): Promise<number> {
    try {
      const handle = this.#live('costGradientAsync');
      this.#checkCostGradient(theta, lambda, grad, rows);
      return handle.costGradientAsync(theta, lambda, grad, rows);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Forward pass on the resident X: writes the m x K output activations h (sigmoids, or softmax rows) into out. */
  feedForward(theta: Float64Array, out: Float64Array): void {
    const handle = this.#live('feedForward');
    check.float64Array(theta, 'theta', this.parameterCount);
    check.float64Array(out, 'out', this.m * this.layers[this.layers.length - 1]);
    check.disjoint(out, 'out', theta, 'theta');
    handle.feedForward(theta, out);
  }

  /** Frees the native buffers now (or when an in-flight async call finishes); later calls throw ERR_DISPOSED. */
  dispose(): void {
    this.#handle?.dispose();
    this.#handle = undefined;
  }

  #live(method: string): NativeNetworkBinding {
    if (this.#handle === undefined) {
      throw Object.assign(new Error(`NativeNetwork.${method}: the network was disposed`), { code: 'ERR_DISPOSED' });
    }
    return this.#handle;
  }

  #checkCostGradient(theta: Float64Array, lambda: number, grad: Float64Array, rows: Uint32Array | undefined): void {
    check.float64Array(theta, 'theta', this.parameterCount);
    check.finiteNumber(lambda, 'lambda', true);
    check.float64Array(grad, 'grad', this.parameterCount);
    check.disjoint(grad, 'grad', theta, 'theta');
    if (rows !== undefined) check.rowIndices(rows, 'rows', this.m);
  }
}

function checkPredict(
  layers: readonly number[], theta: Float64Array, X: Float64Array, m: number, out: Float64Array,
  activations: Activations | undefined, dtype: Dtype | undefined,
) {
  const sizes = check.layerSizes(layers, 'layers');
  check.activations(activations, 'activations', sizes);
  check.dtype(dtype, 'dtype');
  check.dimension(m, 'm');
  check.float64Array(theta, 'theta', check.parameterCountOf(sizes));
  check.float64Array(X, 'X', check.elementCount(m, sizes[0], 'X'));
  check.float64Array(out, 'out', check.elementCount(m, sizes[sizes.length - 1], 'out'));
  check.disjoint(out, 'out', theta, 'theta');
  check.disjoint(out, 'out', X, 'X');
  return sizes;
}

/**
 * Forward-only prediction for any X (m x layers[0]): writes the m x K outputs (sigmoids, or softmax rows) into out.
 * With dtype 'float32', theta and X are rounded to float32 and the products run in cblas_sgemm; out is widened.
 */
export function predict(
  layers: readonly number[], theta: Float64Array, X: Float64Array, m: number, out: Float64Array, activations?: Activations,
  dtype?: Dtype,
): void {
  const sizes = checkPredict(layers, theta, X, m, out, activations, dtype);
  loadNative().predict(sizes, theta, X, m, out, activations, dtype);
}

/** predict on a libuv worker thread: theta and X are copied when called, out is written when it resolves. */
export function predictAsync(
  layers: readonly number[], theta: Float64Array, X: Float64Array, m: number, out: Float64Array, activations?: Activations,
  dtype?: Dtype,
): Promise<void> {
  try {
    const sizes = checkPredict(layers, theta, X, m, out, activations, dtype);
    return loadNative().predictAsync(sizes, theta, X, m, out, activations, dtype);
  } catch (error) {
    return Promise.reject(error);
  }
}
