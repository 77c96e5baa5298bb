import { InvalidArgumentError } from '../errors.js';
import type { LayerSizes } from './layers.js';

/** What a hidden layer applies to its weighted sums z: the seed's logistic g(z), tanh, max(0, z), or max(αz, z). */
export const HIDDEN_ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky_relu'] as const;
export type HiddenActivation = (typeof HIDDEN_ACTIVATIONS)[number];

/**
 * The output layer and its cost: `sigmoid` is the seed's one-vs-all logistic units with its cross-entropy summed over
 * the K outputs; `softmax` is a probability distribution over the K classes with categorical cross-entropy.
 */
export const OUTPUT_ACTIVATIONS = ['sigmoid', 'softmax'] as const;
export type OutputActivation = (typeof OUTPUT_ACTIVATIONS)[number];

/** The activations of a network: one per hidden layer (input and output layers excluded), and the output's. */
export interface Activations {
  readonly hidden: readonly HiddenActivation[];
  readonly output: OutputActivation;
  /** α of leaky_relu, max(αz, z): 0 < α < 1. */
  readonly leakySlope: number;
}

/** leaky_relu's slope when none is given (PyTorch's and TensorFlow's default is 0.01). */
export const DEFAULT_LEAKY_SLOPE = 0.01;

/** The seed's network: sigmoid hidden layers and sigmoid one-vs-all outputs. */
export function seedActivations(layers: LayerSizes): Activations {
  return { hidden: Array.from({ length: layers.length - 2 }, () => 'sigmoid' as const), output: 'sigmoid', leakySlope: DEFAULT_LEAKY_SLOPE };
}

/** Whether a network is the seed's kind (every layer sigmoid), which older model files and the .mat export hold. */
export function isSeedNetwork(a: Activations): boolean {
  return a.output === 'sigmoid' && a.hidden.every((h) => h === 'sigmoid');
}

/** Throws InvalidArgumentError unless `a` names a known activation for each hidden layer of `layers`. */
export function checkActivations(a: Activations, layers: LayerSizes, name = 'activations'): Activations {
  if (a === null || typeof a !== 'object') throw new InvalidArgumentError(`${name}: expected an object with hidden, output and leakySlope`);
  if (!Array.isArray(a.hidden) || a.hidden.length !== layers.length - 2) {
    throw new InvalidArgumentError(`${name}.hidden: expected ${layers.length - 2} activation(s), one per hidden layer`);
  }
  a.hidden.forEach((h, i) => {
    if (!HIDDEN_ACTIVATIONS.includes(h)) {
      throw new InvalidArgumentError(`${name}.hidden[${i}]: expected one of ${HIDDEN_ACTIVATIONS.join(', ')}, got ${JSON.stringify(h)}`);
    }
  });
  if (!OUTPUT_ACTIVATIONS.includes(a.output)) {
    throw new InvalidArgumentError(`${name}.output: expected one of ${OUTPUT_ACTIVATIONS.join(', ')}, got ${JSON.stringify(a.output)}`);
  }
  if (typeof a.leakySlope !== 'number' || !(a.leakySlope > 0 && a.leakySlope < 1)) {
    throw new InvalidArgumentError(`${name}.leakySlope: expected a number between 0 and 1 (exclusive), got ${JSON.stringify(a.leakySlope)}`);
  }
  return a;
}
