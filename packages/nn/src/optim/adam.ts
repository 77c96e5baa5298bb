import { type AdamKernel, type AdamStep, adamStepFor } from './adam-step.js';
import type { OptionSpec, OptionsOf } from './options.js';
import { minibatchOptions, runMinibatch, type UpdateRule, validateMinibatch } from './minibatch.js';
import type { OptimizerMethod } from './types.js';

/**
 * Adam (Kingma & Ba 2015) over shuffled minibatches (see minibatch.ts for batches, epochs, callback and state):
 *   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²,
 *   x ← x − η · m̂ / (√v̂ + ε)   with m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ), t = the step number.
 * Options: those of minibatch.ts (m is required) plus the ones in `options` below. The update loop runs in the addon
 * or in TypeScript (adam-step.ts); both give the same bits, so the choice changes the speed only.
 */
const options = {
  ...minibatchOptions,
  learningRate: { default: 1e-3, accepts: { above: 0 }, help: 'step size η' },
  beta1: { default: 0.9, accepts: { atLeast: 0, below: 1 }, help: 'decay of the first moment' },
  beta2: { default: 0.999, accepts: { atLeast: 0, below: 1 }, help: 'decay of the second moment' },
  epsilon: { default: 1e-8, accepts: { above: 0 }, help: 'added to √v̂' },
  backend: {
    default: 'ts' as AdamKernel,
    accepts: { oneOf: ['auto', 'native', 'ts'] },
    help: "where the update loop runs (auto: the addon's when it loads; train passes its own backend); the same bits",
  },
} satisfies Record<string, OptionSpec>;
export type AdamOptions = OptionsOf<typeof options>;

// The bias corrections folded into the step (the paper's "more efficient" ordering, the same value up to
// rounding):  η·m̂/(√v̂ + ε) = αₜ·m/(√v + ε̂)  with αₜ = η·√(1 − β2ᵗ)/(1 − β1ᵗ), ε̂ = ε·√(1 − β2ᵗ).
function rule(adamStep: AdamStep): UpdateRule<AdamOptions> {
  return {
    name: 'adam',
    momentCount: 2,
    update(x, g, lr, t, [m1, m2], o, sum, weight) {
      const { beta1, beta2 } = o;
      const root = Math.sqrt(1 - Math.pow(beta2, t));
      const step = (lr * root) / (1 - Math.pow(beta1, t));
      adamStep(x, g, m1, m2, sum, { step, epsilon: o.epsilon * root, beta1, beta2, weight });
    },
  };
}

function validate(o: AdamOptions, n: number): void {
  validateMinibatch('adam', o, n);
  adamStepFor(o.backend); // BackendUnavailableError now, not at the first step, when native cannot load
}

export const adam: OptimizerMethod<AdamOptions, 'adam'> = {
  name: 'adam',
  summary: 'Adam over shuffled minibatches',
  options,
  validate,
  run: (x0, o) => runMinibatch(x0, o, rule(adamStepFor(o.backend))),
};
