import type { Matrix } from '../matrix.js';
import type { Activations } from '../network/activations.js';
import type { Dtype } from '../network/dtype.js';
import type { LayerSizes } from '../network/layers.js';

export type BackendName = 'native' | 'ts';
export type BackendChoice = BackendName | 'auto';

/**
 * A network bound to a resident training set (X without bias column, one-hot Y). The data set is fixed across the
 * hundreds of evaluations an optimiser makes, so backends copy and precompute it once and evaluate many times
 * without allocating.
 */
export interface ResidentNetwork {
  readonly backend: BackendName;
  readonly layers: LayerSizes;
  /** Number of examples. */
  readonly m: number;
  readonly parameterCount: number;
  /** What it computes in (network/dtype.ts); θ and grad are Float64Arrays either way. */
  readonly dtype: Dtype;
  /**
   * Regularised cost J(θ), fused with its gradient, which is written into `grad`. With `rows`, the cost and
   * gradient are over those examples only (a minibatch; m in the formulas is rows.length).
   */
  costGradient(theta: Float64Array, lambda: number, grad: Float64Array, rows?: Uint32Array): number;
  /** The same off the calling thread (native: libuv worker; ts: a worker thread or inline). */
  costGradientAsync(theta: Float64Array, lambda: number, grad: Float64Array, rows?: Uint32Array): Promise<number>;
  /** Free resident buffers early. */
  dispose(): void;
}

export interface Backend {
  readonly name: BackendName;
  /**
   * `activations` absent means the seed's network (sigmoid hidden layers, sigmoid one-vs-all outputs); `dtype`
   * absent means float64. A float32 network rounds θ to float32 at each evaluation and widens its gradient.
   */
  createNetwork(layers: LayerSizes, X: Matrix, Y: Matrix, activations?: Activations, dtype?: Dtype): ResidentNetwork;
  /** Output activations h (m×K) for any X: sigmoids, or with a softmax output, rows that sum to 1 (float32: widened). */
  predict(layers: LayerSizes, theta: Float64Array, X: Matrix, activations?: Activations, dtype?: Dtype): Matrix;
  predictAsync(layers: LayerSizes, theta: Float64Array, X: Matrix, activations?: Activations, dtype?: Dtype): Promise<Matrix>;
  /** Threads one evaluation may use (native: BLAS threads; ts: the calling thread plus workers). */
  setThreads(n: number): void;
  getThreads(): number;
}
