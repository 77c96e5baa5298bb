import { getBackend } from './backend/select.js';
import type { BackendChoice, ResidentNetwork } from './backend/types.js';
import { ShapeError } from './errors.js';
import { oneHot } from './labels.js';
import type { Matrix } from './matrix.js';
import { checkActivations, type Activations } from './network/activations.js';
import { checkDtype, type Dtype } from './network/dtype.js';
import { checkTheta, type LayerSizes } from './network/layers.js';
import { checkInputs, checkLambda, checkTargets } from './validate.js';

/** Labels 1..K (the course maps digit 0 to 10), or targets already one-hot encoded as an m×K Matrix. */
export type Targets = Int32Array | readonly number[] | Matrix;

export interface CostOptions {
  layers: LayerSizes;
  /** Regularisation strength λ ≥ 0 (bias weights are not regularised). Default 0: the seed's plain `cost`. */
  lambda?: number;
  backend?: BackendChoice;
  /** Each hidden layer's activation and the output's; default the seed's network (sigmoid everywhere). */
  activations?: Activations;
  /** What the network computes in (network/dtype.ts); default float64. θ and the gradient are float64 either way. */
  dtype?: Dtype;
}

function isMatrix(y: Targets): y is Matrix {
  return typeof (y as Matrix).rows === 'number' && (y as Matrix).data instanceof Float64Array;
}

/** One-hot targets for y, validated against X and the output layer. */
export function targetsMatrix(y: Targets, m: number, K: number): Matrix {
  if (isMatrix(y)) {
    checkTargets(y, m, K);
    return y;
  }
  if (y.length !== m) throw new ShapeError(`y: expected ${m} labels (one per row of X), got ${y.length}`);
  return oneHot(y, K);
}

/**
 * Binds a network shape to a data set on a backend: the resident form optimisers evaluate hundreds of times.
 * Validates everything once here, so `costGradient` calls cross into the backend without re-checking the data.
 */
export function bindNetwork(X: Matrix, y: Targets, options: Omit<CostOptions, 'lambda'>): ResidentNetwork {
  const { layers, backend, activations, dtype } = options;
  checkInputs(X, layers);
  if (activations !== undefined) checkActivations(activations, layers);
  if (dtype !== undefined) checkDtype(dtype);
  const Y = targetsMatrix(y, X.rows, layers[layers.length - 1]);
  return getBackend(backend).createNetwork(layers, X, Y, activations, dtype);
}

/** Regularised cost and gradient together (one shared forward pass). */
export function costGradient(
  theta: Float64Array,
  X: Matrix,
  y: Targets,
  options: CostOptions,
): { cost: number; grad: Float64Array } {
  const lambda = options.lambda ?? 0;
  checkLambda(lambda);
  checkTheta(theta, options.layers);
  const net = bindNetwork(X, y, options);
  try {
    const grad = new Float64Array(net.parameterCount);
    const cost = net.costGradient(theta, lambda, grad);
    return { cost, grad };
  } finally {
    net.dispose();
  }
}

/**
 * The seed's `cost` (λ = 0) / `reg_cost` (λ > 0): cross-entropy over all examples and classes (with a softmax
 * output, the categorical cross-entropy).
 */
export function cost(theta: Float64Array, X: Matrix, y: Targets, options: CostOptions): number {
  return costGradient(theta, X, y, options).cost;
}

/** The seed's `gradient` / `reg_gradient`, flattened in the parameter order. */
export function gradient(theta: Float64Array, X: Matrix, y: Targets, options: CostOptions): Float64Array {
  return costGradient(theta, X, y, options).grad;
}
