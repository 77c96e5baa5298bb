// Every activation through every path of the addon at sizes the PyTorch golden does not reach, against the
// per-example reference (activation-reference.ts, itself checked against PyTorch): the digits' shape with a sparse
// X (the sparse first layer, several example chunks) and a dense one (the dense products, softmax blocks of 64
// examples), two hidden chunks, a deeper mixed stack, minibatches, 1 and 2 threads (same bits), and predict over
// more than one 1024-row chunk. Cost to 1e-12 relative, gradient entries to 1e-12 of their terms' magnitudes.
import { afterEach, describe, expect, test } from 'vitest';
import { NativeNetwork, getThreads, predict, setThreads } from '../lib/index.js';
import { referenceActivations, type ActivationSpec } from './activation-reference.js';
import { unavailable } from './native-available.js';
import * as ref from './reference.js';

const HIDDEN = ['sigmoid', 'tanh', 'relu', 'leaky_relu'];
const OUTPUTS = ['sigmoid', 'softmax'];
const TOLERANCE = 1e-12;

type Problem = ReturnType<typeof ref.sparseProblem>;

function native(p: Problem, spec: ActivationSpec, lambda: number, rows?: Uint32Array) {
  const net = new NativeNetwork(p.layers, p.X, p.Y, p.m, spec);
  const grad = new Float64Array(net.parameterCount);
  const J = net.costGradient(p.theta, lambda, grad, rows);
  net.dispose();
  return { J, grad };
}

function check(p: Problem, spec: ActivationSpec, lambda: number, rows?: Uint32Array) {
  const { J, grad } = native(p, spec, lambda, rows);
  const X = rows ? ref.gather(p.X, p.layers[0], rows) : p.X;
  const Y = rows ? ref.gather(p.Y, p.layers[p.layers.length - 1], rows) : p.Y;
  const expected = referenceActivations(p.layers, p.theta, lambda, X, Y, rows ? rows.length : p.m, spec);
  expect(ref.relativeError(J, expected.J)).toBeLessThanOrEqual(TOLERANCE);
  expect(ref.maxScaledError(grad, expected.grad, expected.scale)).toBeLessThanOrEqual(TOLERANCE);
  return { J, grad };
}

describe.skipIf(unavailable)('every activation through the sparse and dense passes', () => {
  const threadsBefore = unavailable ? 1 : getThreads();
  afterEach(() => setThreads(threadsBefore));

  // [layers, m, density]: density <= 0.6 takes the sparse first layer, 1 the dense products.
  const shapes: Array<[number[], number, number]> = [
    [[400, 25, 10], 150, 0.2], // the digits' shape, sparse: two example blocks, two chunks of the rest of the pass
    [[400, 25, 10], 150, 1], // the same dense: softmax in blocks of 64 examples
    [[7, 40, 3], 200, 0.3], // two hidden chunks (40 > 32), two example chunks
  ];
  for (const [layers, m, density] of shapes) {
    for (const hidden of HIDDEN) {
      for (const output of OUTPUTS) {
        const spec = { hidden: [hidden], output, leakySlope: 0.05 };
        test(`${layers.join('-')}, m = ${m}, density ${density}: ${hidden} -> ${output}, all rows and a minibatch`, () => {
          const p = ref.sparseProblem(layers, m, layers[1] * 7 + m, density);
          check(p, spec, 1.2);
          check(p, spec, 1.2, Uint32Array.from([m - 1, 0, 5, 5, 17, 3, 64, 65, 66, 130]));
        });
      }
    }
  }

  for (const density of [0.5, 1]) {
    for (const hidden of [['relu', 'tanh'], ['leaky_relu', 'sigmoid'], ['tanh', 'relu']]) {
      for (const output of OUTPUTS) {
        test(`30-6-5-4, m = 197, density ${density}: ${hidden.join(', ')} -> ${output}`, () => {
          const p = ref.sparseProblem([30, 6, 5, 4], 197, 31, density);
          check(p, { hidden, output, leakySlope: 0.2 }, 0.4);
        });
      }
    }
  }

  test('no hidden layer: softmax regression, sparse and dense', () => {
    for (const density of [0.3, 1]) check(ref.sparseProblem([12, 5], 90, 3, density), { hidden: [], output: 'softmax', leakySlope: 0.01 }, 0.5);
  });

  test('1 and 2 threads give the same bits (sparse, several chunks)', () => {
    const p = ref.sparseProblem([400, 25, 10], 300, 11, 0.2);
    for (const hidden of HIDDEN) {
      const spec = { hidden: [hidden], output: 'softmax', leakySlope: 0.01 };
      setThreads(1);
      const one = check(p, spec, 1);
      setThreads(2);
      const two = native(p, spec, 1);
      expect(two.J).toBe(one.J);
      expect(two.grad).toEqual(one.grad);
    }
  });

  test('predict and feedForward over more than one 1024-row chunk', () => {
    const layers = [6, 9, 4];
    const m = 1100;
    for (const hidden of HIDDEN) {
      for (const output of OUTPUTS) {
        const spec = { hidden: [hidden], output, leakySlope: 0.1 };
        const p = ref.sparseProblem(layers, m, 5, 1);
        const expected = referenceActivations(layers, p.theta, 0, p.X, p.Y, m, spec).h;
        const h = new Float64Array(m * 4);
        predict(layers, p.theta, p.X, m, h, spec);
        expect(ref.maxRelativeError(h, expected)).toBeLessThanOrEqual(TOLERANCE);
        const net = new NativeNetwork(layers, p.X, p.Y, m, spec);
        h.fill(0);
        net.feedForward(p.theta, h);
        expect(ref.maxRelativeError(h, expected)).toBeLessThanOrEqual(TOLERANCE);
        net.dispose();
      }
    }
  });
});
