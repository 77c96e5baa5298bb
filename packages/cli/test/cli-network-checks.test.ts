// Issue 16 for `cost` and `gradcheck`: the network flags of `train` (--activation, --output, --leaky-slope) through
// the built CLI, against the library's cost and gradientCheck with the same settings.
import { join } from 'node:path';
import { cost, DIGIT_LABEL_NAMES, gradientCheck, loadDataset, readMatFile, saveModel, serialize, type Activations, type Matrix } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, EX4WEIGHTS, oneLineError, onlyJson, tmp } from './helpers.js';

beforeAll(() => ensureBuilt());

const RELU_SOFTMAX: Activations = { hidden: ['relu'], output: 'softmax', leakySlope: 0.01 };

describe('backprop gradcheck of other networks', () => {
  it('relu + softmax passes at the library’s tolerance, and is the library’s check of that network', () => {
    const r = cli(['gradcheck', '--activation', 'relu', '--output', 'softmax', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = onlyJson(r);
    expect(j.passed).toBe(true);
    expect(j.relativeDifference).toBeLessThan(1e-9);
    expect(j.architecture).toBe('3-5(relu)-3(softmax)');
    const library = gradientCheck({ activations: RELU_SOFTMAX }).relativeDifference;
    expect(j.relativeDifference).toBe(library);
    // not the seed's network's check (whose relative difference is another number)
    expect(library).not.toBe(gradientCheck().relativeDifference);
  });

  it('leaky_relu with its slope and λ, two hidden layers: the library’s check of that network', () => {
    const r = cli(['gradcheck', '--layers', '3,5,4,3', '--activation', 'leaky_relu,tanh', '--leaky-slope', '0.2', '--lambda', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = onlyJson(r);
    expect(j.architecture).toBe('3-5(leaky_relu)-4(tanh)-3(sigmoid)');
    const activations: Activations = { hidden: ['leaky_relu', 'tanh'], output: 'sigmoid', leakySlope: 0.2 };
    expect(j.relativeDifference).toBe(gradientCheck({ layers: [3, 5, 4, 3], lambda: 1, activations }).relativeDifference);
    expect(j.passed).toBe(true);
  });

  it('a bad network flag is one line naming it', () => {
    expect(oneLineError(cli(['gradcheck', '--activation', 'swish']))).toMatch(/--activation/);
    expect(oneLineError(cli(['gradcheck', '--leaky-slope', '1']))).toMatch(/--leaky-slope/);
    expect(oneLineError(cli(['gradcheck', '--layers', '3,5,4,3', '--activation', 'relu,tanh,relu']))).toMatch(/--activation: expected 2 names \(one per hidden layer\) or one name for all, got 3/);
  });
});

describe('backprop cost of other networks', () => {
  const mat = readMatFile(EX4WEIGHTS);
  const theta = serialize(mat.variables.get('Theta1')!.matrix as Matrix, mat.variables.get('Theta2')!.matrix as Matrix);
  const ds = loadDataset('digits5000');
  const layers = [400, 25, 10];
  const library = (activations: Activations, lambda = 0): number => cost(theta, ds.X, ds.y, { layers, lambda, activations });

  it('ex4weights.mat as a relu + softmax network: the printed cost is the library’s cost of that network', () => {
    const expected = library(RELU_SOFTMAX, 1);
    expect(Math.abs(expected - 0.38377)).toBeGreaterThan(0.01); // not the seed's reg_cost
    const r = cli(['cost', '--weights', EX4WEIGHTS, '--activation', 'relu', '--output', 'softmax', '--lambda', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = onlyJson(r);
    expect(Math.abs(j.cost - expected)).toBeLessThanOrEqual(1e-12 * Math.abs(expected));
    expect(j.architecture).toBe('400-25(relu)-10(softmax)');
    const text = cli(['cost', '--weights', EX4WEIGHTS, '--activation', 'relu', '--output', 'softmax', '--lambda', '1']);
    expect(text.stdout).toContain(`J(Θ) = ${expected.toFixed(6)}  (λ = 1, network 400-25(relu)-10(softmax), 5000 examples of digits5000`);
  });

  it('a model file’s cost is that of the network it records; network flags with it are refused in one line', () => {
    const activations: Activations = { hidden: ['leaky_relu'], output: 'softmax', leakySlope: 0.3 };
    const path = join(tmp(), 'leaky.json');
    saveModel(path, { layers, theta, labelNames: [...DIGIT_LABEL_NAMES], activations });
    const r = cli(['cost', '--weights', path, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const expected = library(activations);
    expect(Math.abs(onlyJson(r).cost - expected)).toBeLessThanOrEqual(1e-12 * Math.abs(expected));
    const refused = cli(['cost', '--weights', path, '--output', 'sigmoid']);
    expect(refused.code).toBe(2);
    expect(oneLineError(refused)).toMatch(/--output: model .*leaky\.json records its network \(400-25\(leaky_relu\)-10\(softmax\)\); network flags are for \.mat weights/);
  });
});
