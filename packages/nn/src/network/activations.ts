import { InvalidArgumentError } from '../errors.js';
import type { Dtype } from './dtype.js';
import { describe, type LayerSizes } from './layers.js';

/** A value for an error message: a string or number as JSON, anything else by kind (it may be large or circular). */
function shown(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined) return String(v);
  return typeof v === 'string' ? JSON.stringify(v) : describe(v);
}

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
      throw new InvalidArgumentError(`${name}.hidden[${i}]: expected one of ${HIDDEN_ACTIVATIONS.join(', ')}, got ${shown(h)}`);
    }
  });
  if (!OUTPUT_ACTIVATIONS.includes(a.output)) {
    throw new InvalidArgumentError(`${name}.output: expected one of ${OUTPUT_ACTIVATIONS.join(', ')}, got ${shown(a.output)}`);
  }
  if (typeof a.leakySlope !== 'number' || !(a.leakySlope > 0 && a.leakySlope < 1)) {
    throw new InvalidArgumentError(`${name}.leakySlope: expected a number between 0 and 1 (exclusive), got ${shown(a.leakySlope)}`);
  }
  return a;
}

/** How a caller names a network's activations: one hidden activation for every layer or one per layer, the output, α. */
export interface ActivationOptions {
  /** Default sigmoid (the seed's). */
  activation?: HiddenActivation | readonly HiddenActivation[];
  /** Default sigmoid (the seed's). */
  output?: OutputActivation;
  /** leaky_relu's α; default {@link DEFAULT_LEAKY_SLOPE}. */
  leakySlope?: number;
}

/**
 * The Activations of a network of `layers` from a caller's options; InvalidArgumentError naming the option
 * (`activation`, `output`, `leakySlope`) when one is not valid.
 */
export function resolveActivations(layers: LayerSizes, o: ActivationOptions = {}): Activations {
  const hiddenCount = layers.length - 2;
  const a = o.activation ?? 'sigmoid';
  const list = typeof a === 'string' ? Array.from({ length: hiddenCount }, () => a) : a;
  if (!Array.isArray(list)) {
    throw new InvalidArgumentError(`activation: expected one of ${HIDDEN_ACTIVATIONS.join(', ')} or a list of them, got ${shown(a)}`);
  }
  list.forEach((h, i) => {
    if (!HIDDEN_ACTIVATIONS.includes(h)) {
      const at = typeof a === 'string' ? '' : `[${i}]`;
      throw new InvalidArgumentError(`activation${at}: expected one of ${HIDDEN_ACTIVATIONS.join(', ')}, got ${shown(h)}`);
    }
  });
  if (list.length !== hiddenCount) {
    throw new InvalidArgumentError(`activation: expected ${hiddenCount} activation(s), one per hidden layer, got ${list.length}`);
  }
  const output = o.output ?? 'sigmoid';
  if (!OUTPUT_ACTIVATIONS.includes(output)) {
    throw new InvalidArgumentError(`output: expected one of ${OUTPUT_ACTIVATIONS.join(', ')}, got ${shown(output)}`);
  }
  const leakySlope = o.leakySlope ?? DEFAULT_LEAKY_SLOPE;
  if (typeof leakySlope !== 'number' || !(leakySlope > 0 && leakySlope < 1)) {
    throw new InvalidArgumentError(`leakySlope: expected a number between 0 and 1 (exclusive), got ${shown(leakySlope)}`);
  }
  return { hidden: [...list], output, leakySlope };
}

/**
 * The architecture in full, e.g. `784-256(relu)-10(softmax)`; the seed's network is `400-25(sigmoid)-10(sigmoid)`. A
 * float32 network says so after it (`784-256(relu)-10(softmax) float32`); float64, the default, is not written.
 */
export function describeNetwork(layers: LayerSizes, a: Activations = seedActivations(layers), dtype?: Dtype): string {
  const described = layers.map((s, l) => (l === 0 ? String(s) : `${s}(${l < layers.length - 1 ? a.hidden[l - 1] : a.output})`)).join('-');
  return dtype === 'float32' ? `${described} float32` : described;
}
