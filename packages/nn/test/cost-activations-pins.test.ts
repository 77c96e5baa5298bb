/**
 * The cost front door (cost.ts) with activations (issue 16), pinned after issue 21's mutation run: the activations
 * a caller gives reach the backend (cost and gradient equal PyTorch's, scripts/ref/activations_golden.py, on both
 * backends), and they are checked before the targets, so a call wrong in both says what is wrong with the network
 * first.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cost, costGradient, InvalidArgumentError, type Activations, type HiddenActivation, type OutputActivation } from '../src/index.js';
import { fixture, rowsToMatrix } from './helpers.js';

interface GoldenCase {
  name: string;
  layers: number[];
  hidden: HiddenActivation[];
  output: OutputActivation;
  leakySlope: number;
  lambda: number;
  theta: number[];
  dense: { X: number[][]; Y: number[][]; cost: number; gradient: number[]; gradientScale: number[] };
}
const golden = JSON.parse(readFileSync(fixture('activations-golden.json'), 'utf8')) as { cases: GoldenCase[] };
const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('cost with activations', () => {
  it.each(['tanh, leaky_relu -> softmax (slope 0.25)', 'relu -> sigmoid', 'relu, tanh -> softmax'])(
    '%s: cost and gradient equal PyTorch (≤ 1e-12) on the TS and the auto backend',
    (name) => {
      const c = golden.cases.find((k) => k.name === name);
      if (!c) throw new Error(`no golden case ${name}`);
      const activations: Activations = { hidden: c.hidden, output: c.output, leakySlope: c.leakySlope };
      const X = rowsToMatrix(c.dense.X);
      const Y = rowsToMatrix(c.dense.Y);
      const theta = Float64Array.from(c.theta);
      for (const backend of ['ts', 'auto'] as const) {
        const got = costGradient(theta, X, Y, { layers: c.layers, activations, lambda: c.lambda, backend });
        expect(relErr(got.cost, c.dense.cost)).toBeLessThan(1e-12);
        let worst = 0;
        for (let i = 0; i < theta.length; i++) {
          worst = Math.max(worst, Math.abs(got.grad[i] - c.dense.gradient[i]) / c.dense.gradientScale[i]);
        }
        expect(worst).toBeLessThan(1e-12);
        // Without activations it is the seed's network: another number.
        expect(relErr(cost(theta, X, Y, { layers: c.layers, lambda: c.lambda, backend }), c.dense.cost)).toBeGreaterThan(1e-6);
      }
    },
  );

  it('bad activations are refused before the targets are looked at', () => {
    const layers = [3, 4, 2];
    const theta = new Float64Array(4 * 4 + 2 * 5);
    const X = rowsToMatrix([
      [0.1, 0.2, 0.3],
      [0.4, 0.5, 0.6],
    ]);
    const wrongLabels = [1]; // one label for two rows: a ShapeError if the targets were checked first
    for (const backend of ['ts', 'auto'] as const) {
      for (const [activations, message] of [
        [{ hidden: ['gelu'], output: 'sigmoid', leakySlope: 0.01 }, 'activations.hidden[0]: expected one of sigmoid, tanh, relu, leaky_relu, got "gelu"'],
        [{ hidden: ['relu'], output: 'softmax', leakySlope: 1 }, 'activations.leakySlope: expected a number between 0 and 1 (exclusive), got 1'],
      ] as const) {
        let caught: unknown;
        try {
          cost(theta, X, wrongLabels, { layers, backend, activations: activations as unknown as Activations });
        } catch (e) {
          caught = e;
        }
        expect(caught).toBeInstanceOf(InvalidArgumentError);
        expect((caught as Error).message).toBe(message);
      }
    }
  });
});
