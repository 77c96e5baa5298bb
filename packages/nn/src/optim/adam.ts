import { getBackend } from '../backend/select.js';
import type { BackendChoice } from '../backend/types.js';
import type { AdamStep } from './adam-step.js';
import { checkNumber, checkOneOf } from './options.js';
import { minibatchDefaults, type MinibatchOptions, runMinibatch, type UpdateRule, validateMinibatch } from './minibatch.js';
import type { OptimizerMethod } from './types.js';

/**
 * Adam (Kingma & Ba 2015) over shuffled minibatches (see minibatch.ts for batches, epochs, callback and state):
 *   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²,
 *   x ← x − η · m̂ / (√v̂ + ε)   with m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ), t = the step number.
 * Options: those of minibatch.ts (m is required) plus learningRate 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-8,
 * and `backend` ('ts' by default; `train` passes its own): which backend runs the update loop (adam-step.ts).
 * The backends give the same bits, so the choice changes the speed only (native: ~4x faster per step).
 */
export interface AdamOptions extends MinibatchOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
  backend: BackendChoice;
}

const defaults: AdamOptions = {
  ...minibatchDefaults,
  learningRate: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  backend: 'ts',
};

// The bias corrections folded into the step (the paper's "more efficient" ordering, the same value up to
// rounding):  η·m̂/(√v̂ + ε) = αₜ·m/(√v + ε̂)  with αₜ = η·√(1 − β2ᵗ)/(1 − β1ᵗ), ε̂ = ε·√(1 − β2ᵗ).
// One sqrt and one division per parameter, one pass (with the epoch's gradient sum), no allocation.
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
  checkNumber('adam', 'beta1', o.beta1, { atLeast: 0, below: 1 });
  checkNumber('adam', 'beta2', o.beta2, { atLeast: 0, below: 1 });
  checkNumber('adam', 'epsilon', o.epsilon, { above: 0 });
  checkOneOf('adam', 'backend', o.backend, ['auto', 'native', 'ts']);
  getBackend(o.backend); // BackendUnavailableError now, not at the first step, when native cannot load
}

export const adam: OptimizerMethod<AdamOptions> = {
  name: 'adam',
  defaults,
  validate,
  run: (x0, o) => runMinibatch(x0, o, rule(getBackend(o.backend).adamStep)),
};
