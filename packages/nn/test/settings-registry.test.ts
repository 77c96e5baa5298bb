// One source of truth for settings: train()'s defaults are SEED's, the registry describes every method's options,
// and λ means the same thing for a minibatch as for the whole data set.
import { describe, expect, it } from 'vitest';
import {
  bindNetwork,
  loadDataset,
  methodNames,
  minimize,
  optimizerMethod,
  optimizerMethods,
  randomInit,
  SEED,
  train,
  type Matrix,
  type TrainMethod,
} from '../src/index.js';
import { objectiveOf } from '../src/objective.js';

describe('train() defaults', () => {
  it("are the seed's settings: method, λ, budget, initial range and seed from SEED", async () => {
    const digits = loadDataset(SEED.dataset);
    const stopped = new AbortController();
    stopped.abort(); // the settings are recorded before the first evaluation
    const { model } = await train({ hidden: SEED.hidden }, digits, { signal: stopped.signal, trackAccuracy: false });
    expect(model.training).toMatchObject({
      method: SEED.method,
      options: { ...SEED.optimizer },
      lambda: SEED.lambda,
      init: { range: SEED.initRange, seed: SEED.seed },
      status: 'aborted',
    });
    // The seed's budget belongs to the seed's method: another method starts from its own defaults.
    const cg = await train({ hidden: [3] }, digits, { method: 'cg', signal: stopped.signal, trackAccuracy: false });
    expect(cg.model.training).toMatchObject({ options: {}, lambda: SEED.lambda });
  });
});

describe('the optimiser registry', () => {
  it('describes every method: a summary, and each option with its default and one line of help', () => {
    const methods = optimizerMethods();
    expect(methods.map((m) => m.name)).toEqual(methodNames());
    for (const m of methods) {
      expect(m.summary.length).toBeGreaterThan(0);
      expect(m.options.length).toBeGreaterThan(0);
      for (const o of m.options) {
        expect(typeof o.help, `${m.name}.${o.name}`).toBe('string');
        expect(o.help.length, `${m.name}.${o.name}`).toBeGreaterThan(5);
        expect(o.help).not.toContain('\n');
      }
      expect(m.minibatch).toBe(m.name === 'adam' || m.name === 'sgd');
    }
  });

  it("lists the defaults minimize runs with: each method accepts its own defaults back", () => {
    const fun = (x: Float64Array, grad: Float64Array): number => {
      let f = 0;
      for (let i = 0; i < x.length; i++) {
        f += x[i] * x[i];
        grad[i] = 2 * x[i];
      }
      return f;
    };
    for (const m of optimizerMethods()) {
      const options = Object.fromEntries(m.options.map((o) => [o.name, o.default]));
      if (m.minibatch) Object.assign(options, { m: 4, epochs: 1 });
      const result = minimize(fun, new Float64Array([1, -2, 3]), { method: m.name, options });
      expect(result.method).toBe(m.name);
    }
    expect(optimizerMethod('lbfgs')?.options.find((o) => o.name === 'maxfun')?.default).toBe(15000);
    expect(optimizerMethod('nope')).toBeUndefined();
  });

  it('names the methods train takes (TrainMethod is the registry names)', () => {
    const names: TrainMethod[] = methodNames();
    expect(names).toEqual(['tnc', 'cg', 'lbfgs', 'adam', 'sgd']);
  });
});

describe('the training objective', () => {
  it('is the same J(Θ), penalty λ/(2m)·‖Θ‖², whether evaluated whole or as one minibatch of every row', () => {
    const digits = loadDataset('digits5000');
    const m = 60;
    const X: Matrix = { rows: m, cols: digits.X.cols, data: digits.X.data.subarray(0, m * digits.X.cols) };
    const layers = [X.cols, 7, 10];
    const net = bindNetwork(X, digits.y.subarray(0, m), { layers, backend: 'ts' });
    try {
      const theta = randomInit(layers, { range: 0.5, seed: 3 });
      const J = objectiveOf(net, 3);
      const whole = new Float64Array(theta.length);
      const batch = new Float64Array(theta.length);
      const all = Uint32Array.from({ length: m }, (_, i) => i);
      const half = all.subarray(0, m / 2);
      expect(J(theta, batch, all)).toBeCloseTo(J(theta, whole), 12);
      for (let i = 0; i < theta.length; i += 97) expect(batch[i]).toBeCloseTo(whole[i], 12);
      // Half the rows: the penalty is still λ/(2m)·‖Θ‖², so f(half, λ) − f(half, 0) equals the full objective's.
      const penalty = J(theta, whole) - objectiveOf(net, 0)(theta, whole);
      const halfPenalty = J(theta, batch, half) - objectiveOf(net, 0)(theta, batch, half);
      expect(halfPenalty).toBeCloseTo(penalty, 12);
    } finally {
      net.dispose();
    }
  });
});
