// Numerical robustness on both backends: seeded random networks in hostile regimes — saturated weights (up to
// 1e100), huge and tiny λ, all-zero inputs, a single class, a single output unit, m = 1 — must give a cost and
// gradient with no NaN, finite whenever the exact value is, and equal to an independent per-example reference
// (written here from the course's formulas with a stable log-sigmoid). Optimisers fed NaN or overflowing
// objectives must stop with status 'numerical_error' and finite parameters, never return NaN parameters.
import { describe, expect, it } from 'vitest';
import {
  backendInfo,
  bindNetwork,
  minimize,
  methodNames,
  NonFiniteObjectiveError,
  parameterCount,
  Rng,
  train,
  type BackendName,
  type Matrix,
} from '../src/index.js';
import { gradRelErr } from './helpers.js';

const backends: BackendName[] = backendInfo().nativeAvailable ? ['ts', 'native'] : ['ts'];

// ---- independent reference: the course's cost and backpropagation, one example at a time ----------------------

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^t) without overflow: −log σ(z) = softplus(−z), −log(1 − σ(z)) = softplus(z). */
function softplus(t: number): number {
  return Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
}

function reference(layers: number[], theta: Float64Array, X: Matrix, y: Int32Array, lambda: number) {
  const L = layers.length - 1;
  const offsets: number[] = [];
  let at = 0;
  for (let l = 0; l < L; l++) {
    offsets.push(at);
    at += layers[l + 1] * (layers[l] + 1);
  }
  const w = (l: number, j: number, k: number) => theta[offsets[l] + j * (layers[l] + 1) + k]; // Θ_l[j][k], k = 0 bias
  const grad = new Float64Array(theta.length);
  let J = 0;
  const m = X.rows;
  for (let i = 0; i < m; i++) {
    const a: number[][] = [Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols))];
    const z: number[][] = [[]];
    for (let l = 0; l < L; l++) {
      const zl = Array.from({ length: layers[l + 1] }, (_, j) => {
        let s = w(l, j, 0);
        for (let k = 0; k < layers[l]; k++) s += w(l, j, k + 1) * a[l][k];
        return s;
      });
      z.push(zl);
      a.push(zl.map(sigmoid));
    }
    const K = layers[L];
    let delta = a[L].map((h, k) => h - (y[i] === k + 1 ? 1 : 0));
    for (let k = 0; k < K; k++) J += y[i] === k + 1 ? softplus(-z[L][k]) : softplus(z[L][k]);
    for (let l = L - 1; l >= 0; l--) {
      for (let j = 0; j < layers[l + 1]; j++) {
        grad[offsets[l] + j * (layers[l] + 1)] += delta[j];
        for (let k = 0; k < layers[l]; k++) grad[offsets[l] + j * (layers[l] + 1) + k + 1] += delta[j] * a[l][k];
      }
      if (l > 0) {
        delta = Array.from({ length: layers[l] }, (_, k) => {
          let s = 0;
          for (let j = 0; j < layers[l + 1]; j++) s += w(l, j, k + 1) * delta[j];
          const g = sigmoid(z[l][k]);
          return s * g * (1 - g);
        });
      }
    }
  }
  J /= m;
  let penalty = 0;
  for (let l = 0; l < L; l++) {
    for (let j = 0; j < layers[l + 1]; j++) {
      grad[offsets[l] + j * (layers[l] + 1)] /= m;
      for (let k = 1; k <= layers[l]; k++) {
        const t = w(l, j, k);
        penalty += t * t;
        grad[offsets[l] + j * (layers[l] + 1) + k] = grad[offsets[l] + j * (layers[l] + 1) + k] / m + (lambda / m) * t;
      }
    }
  }
  return { J: J + (lambda / (2 * m)) * penalty, grad };
}

// ---- hostile configurations ------------------------------------------------------------------------------------

interface Config {
  what: string;
  layers: number[];
  theta: Float64Array;
  X: Matrix;
  y: Int32Array;
  lambda: number;
}

/** An integer in lo..hi (inclusive). */
function between(rng: Rng, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}

const WEIGHT_SCALES = [1e-300, 1e-3, 1, 100, 1e5, 1e100];
const LAMBDAS = [0, 1e-300, 1, 1e6, 1e12];
const INPUTS = ['zeros', 'unit', 'large', 'binary'] as const;

function config(rng: Rng, index: number): Config {
  const depth = between(rng, 1, 3);
  const layers = [between(rng, 1, 10), ...Array.from({ length: depth }, () => between(rng, 1, 8)), between(rng, 1, 5)];
  const K = layers[layers.length - 1];
  const m = [1, 1, 2, 7][between(rng, 0, 3)];
  const scale = WEIGHT_SCALES[between(rng, 0, WEIGHT_SCALES.length - 1)];
  const lambda = LAMBDAS[between(rng, 0, LAMBDAS.length - 1)];
  const inputs = INPUTS[between(rng, 0, INPUTS.length - 1)];
  const n = layers[0];
  const X = {
    rows: m,
    cols: n,
    data: Float64Array.from({ length: m * n }, () =>
      inputs === 'zeros' ? 0 : inputs === 'unit' ? rng.uniform(-1, 1) : inputs === 'large' ? rng.uniform(-1e3, 1e3) : between(rng, 0, 1),
    ),
  };
  const oneClass = rng.next() < 0.3;
  const y = Int32Array.from({ length: m }, () => (oneClass ? K : between(rng, 1, K)));
  const theta = Float64Array.from({ length: parameterCount(layers) }, () => scale * rng.uniform(-1, 1));
  return {
    what: `#${index} layers [${layers}] m=${m} weights ×${scale} λ=${lambda} X ${inputs}${oneClass ? ' one class' : ''}`,
    layers,
    theta,
    X,
    y,
    lambda,
  };
}

describe.each(backends)('cost and gradient in hostile regimes agree with the reference (%s)', (backend) => {
  it('300 seeded random networks: no NaN; finite and equal to the reference wherever the reference is finite', () => {
    const rng = new Rng(20261128);
    let finiteCases = 0;
    const problems: string[] = [];
    for (let i = 0; i < 300; i++) {
      const c = config(rng, i);
      const net = bindNetwork(c.X, c.y, { layers: c.layers, backend });
      const grad = new Float64Array(net.parameterCount);
      let J: number;
      try {
        J = net.costGradient(c.theta, c.lambda, grad);
      } finally {
        net.dispose();
      }
      const ref = reference(c.layers, c.theta, c.X, c.y, c.lambda);
      if (Number.isNaN(J) || grad.some(Number.isNaN)) {
        problems.push(`${c.what}: NaN (J = ${J})`);
        continue;
      }
      if (!Number.isFinite(ref.J) || !ref.grad.every(Number.isFinite)) continue; // the exact value overflows a double
      finiteCases++;
      if (!Number.isFinite(J) || !grad.every(Number.isFinite)) problems.push(`${c.what}: not finite (J = ${J})`);
      else if (Math.abs(J - ref.J) > 1e-10 * Math.max(1, Math.abs(ref.J))) problems.push(`${c.what}: J ${J} vs ${ref.J}`);
      else if (gradRelErr(grad, ref.grad) > 1e-8) problems.push(`${c.what}: gradient off by ${gradRelErr(grad, ref.grad)}`);
      if (J < 0) problems.push(`${c.what}: negative cost ${J}`);
    }
    expect(problems).toEqual([]);
    expect(finiteCases).toBeGreaterThan(250);
  });

  it('the named corner cases: m = 1, one output unit, all-zero X, one class, saturated weights, λ = 1e12', () => {
    const rng = new Rng(5);
    const layers = [4, 3, 1];
    const theta = Float64Array.from({ length: parameterCount(layers) }, () => 1e4 * rng.uniform(-1, 1));
    for (const [X, lambda] of [
      [{ rows: 1, cols: 4, data: Float64Array.of(1, -1, 0.5, 2) }, 0],
      [{ rows: 1, cols: 4, data: new Float64Array(4) }, 1e12],
      [{ rows: 3, cols: 4, data: new Float64Array(12) }, 1],
    ] as const) {
      const y = new Int32Array(X.rows).fill(1);
      const net = bindNetwork(X, y, { layers, backend });
      const grad = new Float64Array(net.parameterCount);
      const J = net.costGradient(theta, lambda, grad);
      net.dispose();
      const ref = reference(layers, theta, X, y, lambda);
      expect(Number.isFinite(J)).toBe(true);
      expect(grad.every(Number.isFinite)).toBe(true);
      expect(Math.abs(J - ref.J)).toBeLessThanOrEqual(1e-10 * Math.max(1, ref.J));
      expect(gradRelErr(grad, ref.grad)).toBeLessThan(1e-8);
    }
  });
});

// ---- optimisers: a clear status, never NaN parameters ------------------------------------------------------------

const MINIBATCH = new Set(['adam', 'sgd']);

function methodOptions(method: string): Record<string, unknown> {
  return MINIBATCH.has(method) ? { m: 4, batchSize: 2, epochs: 50 } : {};
}

describe('optimisers stop with status numerical_error and finite parameters', () => {
  for (const method of methodNames()) {
    it(`${method}: an objective (Rosenbrock) that turns NaN after 6 evaluations`, () => {
      let calls = 0;
      const fun = (x: Float64Array, g: Float64Array): number => {
        calls++;
        g.fill(0);
        let f = 0;
        for (let i = 0; i + 1 < x.length; i++) {
          const a = x[i + 1] - x[i] * x[i];
          f += 100 * a * a + (1 - x[i]) ** 2;
          g[i] += -400 * x[i] * a - 2 * (1 - x[i]);
          g[i + 1] += 200 * a;
        }
        return calls > 6 ? Number.NaN : f;
      };
      let error: unknown;
      try {
        minimize(fun, Float64Array.of(-1.2, 1, -1.2, 1), { method, options: methodOptions(method) });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NonFiniteObjectiveError);
      const result = (error as NonFiniteObjectiveError).result;
      expect(result.status).toBe('numerical_error');
      expect(result.success).toBe(false);
      expect(result.x.every(Number.isFinite)).toBe(true);
      expect(Number.isFinite(result.fun)).toBe(true);
    });

    it(`${method}: an objective that overflows (e^(1000·x)) ends with finite parameters`, () => {
      const fun = (x: Float64Array, g: Float64Array): number => {
        const f = Math.exp(1000 * x[0]) + x[1] * x[1];
        g[0] = 1000 * Math.exp(1000 * x[0]);
        g[1] = 2 * x[1];
        return f;
      };
      try {
        const result = minimize(fun, Float64Array.of(0.5, 1), { method, options: methodOptions(method) });
        expect(result.x.every(Number.isFinite)).toBe(true);
        expect(Number.isFinite(result.fun)).toBe(true);
      } catch (e) {
        expect(e).toBeInstanceOf(NonFiniteObjectiveError);
        expect((e as NonFiniteObjectiveError).result.x.every(Number.isFinite)).toBe(true);
      }
    });
  }
});

describe.each(backends)('train() in hostile settings returns finite parameters and a status (%s)', (backend) => {
  const rng = new Rng(11);
  const X = { rows: 12, cols: 5, data: Float64Array.from({ length: 60 }, () => rng.uniform(-1, 1)) };
  const y = Int32Array.from({ length: 12 }, (_, i) => 1 + (i % 3));
  const settings: [string, Parameters<typeof train>[2]][] = [
    ['tnc, saturated start (init ±50)', { method: 'tnc', init: { range: 50 }, optimizer: { maxfun: 30 } }],
    ['cg, λ = 1e12', { method: 'cg', lambda: 1e12, optimizer: { maxIter: 20 } }],
    ['lbfgs, λ = 0, init ±50', { method: 'lbfgs', lambda: 0, init: { range: 50 }, optimizer: { maxIter: 20 } }],
    ['adam, learning rate 100', { method: 'adam', optimizer: { learningRate: 100, epochs: 5, batchSize: 4 } }],
    ['sgd, learning rate 1e4', { method: 'sgd', optimizer: { learningRate: 1e4, epochs: 5, batchSize: 4 } }],
  ];
  for (const [what, options] of settings) {
    it(what, async () => {
      try {
        const { model, result } = await train({ hidden: [4] }, { X, y }, { ...options, backend, trackAccuracy: false });
        expect(model.theta.every(Number.isFinite)).toBe(true);
        expect(Number.isFinite(result.fun)).toBe(true);
        expect(['converged', 'epochs_completed', 'max_evaluations', 'max_iterations', 'line_search_failed', 'no_progress']).toContain(
          result.status,
        );
      } catch (e) {
        expect(e).toBeInstanceOf(NonFiniteObjectiveError);
        expect((e as NonFiniteObjectiveError).result.x.every(Number.isFinite)).toBe(true);
      }
    });
  }
});
