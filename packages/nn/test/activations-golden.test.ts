/**
 * The TS backend and the library's math against PyTorch (scripts/ref/activations_golden.py, float64 autograd):
 * every hidden activation × output, two-hidden-layer mixes, and networks with a unit whose z is exactly 0 for every
 * example (relu' = 0 and leaky_relu' = α there, PyTorch's convention). Cost, gradient and predictions ≤ 1e-12.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bindNetwork, feedForward, scores, type Activations, type HiddenActivation, type OutputActivation } from '../src/index.js';
import { fixture, maxRelErr, rowsToMatrix } from './helpers.js';

interface GoldenInputs {
  X: number[][];
  Y: number[][];
  cost: number;
  gradient: number[];
  /** Each gradient entry's scale: what it is summed from (Σ|δ·a|/m + |λ/m·Θ|), from autograd. */
  gradientScale: number[];
  h: number[][];
  rows: number[];
  batch: { cost: number; gradient: number[]; gradientScale: number[] };
}
interface GoldenCase {
  name: string;
  layers: number[];
  hidden: HiddenActivation[];
  output: OutputActivation;
  leakySlope: number;
  lambda: number;
  theta: number[];
  dense: GoldenInputs;
  sparse: GoldenInputs;
}

const golden = JSON.parse(readFileSync(fixture('activations-golden.json'), 'utf8')) as { cases: GoldenCase[] };
const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
/**
 * max_i |a_i − b_i| / scale_i: each entry relative to what it is summed from, so an entry that cancels to nearly 0
 * is held to the rounding of its terms rather than to a relative error it cannot have.
 */
function scaledErr(a: ArrayLike<number>, b: readonly number[], scale: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(scale[i], 1e-300));
  return worst;
}

describe.each(golden.cases.map((c) => [c.name, c] as const))('TS backend vs PyTorch: %s', (_name, c) => {
  const activations: Activations = { hidden: c.hidden, output: c.output, leakySlope: c.leakySlope };
  const theta = Float64Array.from(c.theta);
  const { layers } = c;
  it.each(['dense', 'sparse'] as const)('%s inputs: cost, gradient, minibatch and predictions ≤ 1e-12', (kind) => {
    const g = c[kind];
    const X = rowsToMatrix(g.X);
    const Y = rowsToMatrix(g.Y);
    const net = bindNetwork(X, Y, { layers, backend: 'ts', activations });
    const grad = new Float64Array(net.parameterCount);
    expect(relErr(net.costGradient(theta, c.lambda, grad), g.cost)).toBeLessThan(1e-12);
    expect(scaledErr(grad, g.gradient, g.gradientScale)).toBeLessThan(1e-12);
    // The golden's minibatch is a data set of its own (penalty λ/(2·|rows|)), as a backend evaluates `rows`.
    const bgrad = new Float64Array(net.parameterCount);
    expect(relErr(net.costGradient(theta, c.lambda, bgrad, Uint32Array.from(g.rows)), g.batch.cost)).toBeLessThan(1e-12);
    expect(scaledErr(bgrad, g.batch.gradient, g.batch.gradientScale)).toBeLessThan(1e-12);
    net.dispose();
    const h = g.h.flat();
    expect(maxRelErr(scores(theta, X, { layers, backend: 'ts', activations }).data, h, 1e-300)).toBeLessThan(1e-12);
    expect(maxRelErr(feedForward(theta, X, layers, activations).h.data, h, 1e-300)).toBeLessThan(1e-12);
  });
});
