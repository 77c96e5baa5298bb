import { checkBoolean, checkNumber } from './options.js';
import { minibatchDefaults, minibatchHelp, type MinibatchOptions, runMinibatch, type UpdateRule, validateMinibatch } from './minibatch.js';
import type { OptimizerMethod } from './types.js';

/**
 * Stochastic gradient descent with (heavy-ball or Nesterov) momentum over shuffled minibatches (see minibatch.ts
 * for batches, epochs, callback and state):
 *   v ← μ·v + g,   x ← x − η·v            (nesterov: x ← x − η·(g + μ·v))
 * momentum 0 is plain SGD. Options: those of minibatch.ts (m is required) plus the ones in `help` below.
 */
export interface SgdOptions extends MinibatchOptions {
  momentum: number;
  nesterov: boolean;
}

const defaults: SgdOptions = { ...minibatchDefaults, learningRate: 0.1, momentum: 0.9, nesterov: false };

const help: Record<keyof SgdOptions, string> = {
  ...minibatchHelp,
  learningRate: 'step size η; > 0',
  momentum: 'momentum μ (0: plain SGD); in [0, 1)',
  nesterov: 'Nesterov momentum',
};

const rule: UpdateRule<SgdOptions> = {
  name: 'sgd',
  momentCount: 1,
  update(x, g, lr, _t, [v], o, sum, weight) {
    const mu = o.momentum;
    const n = x.length;
    if (o.nesterov) {
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        sum[i] += gi * weight;
        const vi = mu * v[i] + gi;
        v[i] = vi;
        x[i] -= lr * (gi + mu * vi);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        sum[i] += gi * weight;
        const vi = mu * v[i] + gi;
        v[i] = vi;
        x[i] -= lr * vi;
      }
    }
  },
};

function validate(o: SgdOptions, n: number): void {
  validateMinibatch('sgd', o, n);
  checkNumber('sgd', 'momentum', o.momentum, { atLeast: 0, below: 1 });
  checkBoolean('sgd', 'nesterov', o.nesterov);
}

export const sgd: OptimizerMethod<SgdOptions, 'sgd'> = {
  name: 'sgd',
  summary: 'stochastic gradient descent with momentum, over shuffled minibatches',
  defaults,
  help,
  validate,
  run: (x0, o) => runMinibatch(x0, o, rule),
};
