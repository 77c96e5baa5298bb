/**
 * He and Glorot initialisation (uniform form, biases 0) and the seed's uniform ±ε, statistically with a fixed seed:
 * every weight inside its limit, the sample variance within 4 standard errors (≤ 5% here) of limit²/3 (the
 * variance of uniform(−L, L)), the mean within 5 standard errors of 0,
 * and `auto` following the activations without changing the seed's network.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, randomInit, type Activations } from '../src/index.js';

const layers = [300, 200, 100, 50];

/** Per layer: the bias column and the weights of θ (layout: Θ_l row-major, bias column first). */
function split(theta: Float64Array): { bias: number[]; weights: number[] }[] {
  const out: { bias: number[]; weights: number[] }[] = [];
  for (let l = 1, off = 0; l < layers.length; l++) {
    const s = layers[l - 1];
    const bias: number[] = [];
    const weights: number[] = [];
    for (let j = 0; j < layers[l]; j++) {
      bias.push(theta[off + j * (s + 1)]);
      for (let k = 1; k <= s; k++) weights.push(theta[off + j * (s + 1) + k]);
    }
    out.push({ bias, weights });
    off += layers[l] * (s + 1);
  }
  return out;
}

function expectUniform(values: number[], limit: number): void {
  expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(limit);
  expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.99 * limit);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  // Relative standard error of the sample variance of a uniform: √(0.8 / n); of the mean: L / √(3n).
  expect(Math.abs(variance / (limit * limit / 3) - 1)).toBeLessThan(4 * Math.sqrt(0.8 / values.length));
  expect(Math.abs(mean)).toBeLessThan((5 * limit) / Math.sqrt(3 * values.length));
}

describe('initialisation schemes', () => {
  it('he: ±√(6 / fan_in), biases 0', () => {
    split(randomInit(layers, { scheme: 'he', seed: 1 })).forEach(({ bias, weights }, l) => {
      expect(bias.every((b) => b === 0)).toBe(true);
      expectUniform(weights, Math.sqrt(6 / layers[l]));
    });
  });
  it('glorot: ±√(6 / (fan_in + fan_out)), biases 0', () => {
    split(randomInit(layers, { scheme: 'glorot', seed: 2 })).forEach(({ bias, weights }, l) => {
      expect(bias.every((b) => b === 0)).toBe(true);
      expectUniform(weights, Math.sqrt(6 / (layers[l] + layers[l + 1])));
    });
  });
  it('seed: every parameter, biases included, uniform ±range', () => {
    const parts = split(randomInit(layers, { scheme: 'seed', range: 0.5, seed: 3 }));
    expectUniform(parts.flatMap((p) => [...p.bias, ...p.weights]), 0.5);
  });
  it('auto: the seed’s draws for the seed’s network; he for relu layers, glorot for tanh and the output', () => {
    const seedNet: Activations = { hidden: ['sigmoid', 'sigmoid'], output: 'sigmoid', leakySlope: 0.01 };
    const seedTheta = randomInit(layers, { range: 0.5, seed: 5 });
    expect(randomInit(layers, { range: 0.5, seed: 5, activations: seedNet })).toEqual(seedTheta);
    expect(randomInit(layers, { range: 0.5, seed: 5, scheme: 'uniform' })).toEqual(seedTheta);
    const mixed: Activations = { hidden: ['relu', 'tanh'], output: 'softmax', leakySlope: 0.01 };
    const parts = split(randomInit(layers, { seed: 6, activations: mixed }));
    expectUniform(parts[0].weights, Math.sqrt(6 / 300));
    expectUniform(parts[1].weights, Math.sqrt(6 / (200 + 100)));
    expectUniform(parts[2].weights, Math.sqrt(6 / (100 + 50)));
    expect(parts.every((p) => p.bias.every((b) => b === 0))).toBe(true);
  });
  it('an unknown scheme is an InvalidArgumentError naming the option', () => {
    expect(() => randomInit(layers, { scheme: 'xavier' as never })).toThrow(InvalidArgumentError);
    expect(() => randomInit(layers, { scheme: 'xavier' as never })).toThrow(/^scheme: expected one of auto, seed, glorot, he, uniform, got "xavier"$/);
  });
});
