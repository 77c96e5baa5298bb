import type { ClassifierOptions } from './classifier.js';

/**
 * Settings for a {@link Classifier}, with every field given, and the built-in data set they were made for. The
 * network's activations and initialisation scheme are left out: their defaults are the seed's network (sigmoid
 * everywhere), which the `auto` initialisation draws as the seed does (uniform ±initRange).
 */
export interface Preset
  extends Required<Omit<ClassifierOptions, 'backend' | 'threads' | 'optimizer' | 'activation' | 'output' | 'leakySlope' | 'init'>> {
  /** The method's options: TNC's budget of cost/gradient evaluations. */
  readonly optimizer: Readonly<{ maxfun: number }>;
  /** The built-in data set the settings belong to (what `backprop train` trains on by default). */
  readonly dataset: 'digits5000';
}

/**
 * The seed's settings (the course's ex4 as the seed runs it): one hidden layer of 25 units, λ = 10, scipy's TNC
 * with `options={'maxiter': 300}` (which TNC reads as 300 function evaluations), initial weights uniform in
 * (−0.5, 0.5), seed 0, float64, on digits5000. The single source for the Classifier's defaults, the CLI's `train` flag
 * defaults and the server's first-start model.
 */
export const SEED: Preset = Object.freeze({
  dataset: 'digits5000',
  hidden: Object.freeze([25]),
  lambda: 10,
  method: 'tnc',
  optimizer: Object.freeze({ maxfun: 300 }),
  initRange: 0.5,
  seed: 0,
  dtype: 'float64',
} as const);
