import type { OptionSpec, OptionsOf } from './options.js';
import { minibatchOptions, runMinibatch, type UpdateRule, validateMinibatch } from './minibatch.js';
import type { OptimizerMethod } from './types.js';

/**
 * Stochastic gradient descent with (heavy-ball or Nesterov) momentum over shuffled minibatches (see minibatch.ts
 * for batches, epochs, callback and state):
 *   v ← μ·v + g,   x ← x − η·v            (nesterov: x ← x − η·(g + μ·v))
 * momentum 0 is plain SGD. Options: those of minibatch.ts (m is required) plus the ones in `options` below.
 */
const options = {
  ...minibatchOptions,
  learningRate: { default: 0.1, accepts: { above: 0 }, help: 'step size η' },
  momentum: { default: 0.9, accepts: { atLeast: 0, below: 1 }, help: 'momentum μ (0: plain SGD)' },
  nesterov: { default: false, accepts: 'boolean', help: 'Nesterov momentum' },
} satisfies Record<string, OptionSpec>;
export type SgdOptions = OptionsOf<typeof options>;

const rule: UpdateRule<SgdOptions> = {
  name: 'sgd',
  momentCount: 1,
  update(x, g, lr, _t, [v], o, sum, weight) {
    const mu = o.momentum;
    // x ← x − η·(a·g + b·v): (a, b) = (1, μ) is Nesterov's step, (0, 1) the heavy ball's, exactly (g is finite).
    const a = o.nesterov ? 1 : 0;
    const b = o.nesterov ? mu : 1;
    for (let i = 0; i < x.length; i++) {
      const gi = g[i];
      sum[i] += gi * weight;
      const vi = mu * v[i] + gi;
      v[i] = vi;
      x[i] -= lr * (a * gi + b * vi);
    }
  },
};

export const sgd: OptimizerMethod<SgdOptions, 'sgd'> = {
  name: 'sgd',
  summary: 'stochastic gradient descent with momentum, over shuffled minibatches',
  options,
  validate: (o, n) => validateMinibatch('sgd', o, n),
  run: (x0, o) => runMinibatch(x0, o, rule),
};
