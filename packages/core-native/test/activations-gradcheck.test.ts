// The addon's gradient is the derivative of its own cost for every activation: central differences over every
// parameter of the golden networks (every hidden x output combination and the two-hidden-layer mixes; dense and
// 75%-zero X), relative difference |numeric - analytic| / |numeric + analytic| below 1e-9. The cases with z = 0
// exactly are left out: relu is not differentiable there. For relu and leaky_relu the test first checks, with the
// per-example reference, that no hidden z changes sign at theta +- e in any coordinate, i.e. no z lies within the
// step of the kink, so the differences measure the derivative and not the jump in it.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { NativeNetwork } from '../lib/index.js';
import { referenceActivations } from './activation-reference.js';
import { unavailable } from './native-available.js';

interface GoldenCase {
  name: string;
  layers: number[];
  hidden: string[];
  output: string;
  leakySlope: number;
  lambda: number;
  kink: boolean;
  theta: number[];
  dense: { X: number[][]; Y: number[][] };
  sparse: { X: number[][]; Y: number[][] };
}

const golden: { cases: GoldenCase[] } = JSON.parse(
  readFileSync(new URL('../../nn/test/fixtures/activations-golden.json', import.meta.url), 'utf8'),
);
const STEP = 1e-5;

describe.skipIf(unavailable)('central differences < 1e-9 for every activation', () => {
  for (const c of golden.cases.filter((k) => !k.kink)) {
    for (const kind of ['dense', 'sparse'] as const) {
      test(`${c.name}, ${kind} X`, () => {
        const spec = { hidden: c.hidden, output: c.output, leakySlope: c.leakySlope };
        const X = Float64Array.from(c[kind].X.flat());
        const Y = Float64Array.from(c[kind].Y.flat());
        const m = c[kind].X.length;
        const theta = Float64Array.from(c.theta);
        const net = new NativeNetwork(c.layers, X, Y, m, spec);
        const grad = new Float64Array(net.parameterCount);
        const scratch = new Float64Array(net.parameterCount);
        net.costGradient(theta, c.lambda, grad);

        const kinked = c.hidden.some((h) => h === 'relu' || h === 'leaky_relu');
        const signs = (t: Float64Array) => referenceActivations(c.layers, t, 0, X, Y, m, spec).hiddenZ.map(Math.sign);
        const base = signs(theta);
        let flips = 0; // hidden z whose sign differs at some theta +- e from theta's
        const countFlips = () => {
          if (kinked) signs(theta).forEach((s, k) => (flips += s === base[k] ? 0 : 1));
        };
        let diff = 0;
        let sum = 0;
        for (let i = 0; i < theta.length; i++) {
          const original = theta[i];
          theta[i] = original + STEP;
          const plus = net.costGradient(theta, c.lambda, scratch);
          countFlips();
          theta[i] = original - STEP;
          const minus = net.costGradient(theta, c.lambda, scratch);
          countFlips();
          theta[i] = original;
          const numeric = (plus - minus) / (2 * STEP);
          diff += (numeric - grad[i]) ** 2;
          sum += (numeric + grad[i]) ** 2;
        }
        net.dispose();
        expect(base.every((s) => s !== 0)).toBe(true);
        expect(flips).toBe(0);
        expect(Math.sqrt(diff) / Math.sqrt(sum)).toBeLessThan(1e-9);
      });
    }
  }
});
