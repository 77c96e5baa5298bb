/**
 * The sweep's ranking (src/sweep/rank.ts): accuracy first; a tie goes to the lower cross-entropy WITHOUT the λ
 * penalty, not to the lower reported (penalised) cost, which favours the least regularised setting; then the grid's
 * order. The hand-made results below are three settings tied at 94.80% validation accuracy, as in the sweep a
 * new-user review reported, where the penalised costs and the unpenalised cross-entropies order them differently.
 */
import { join } from 'node:path';
import { loadDataset, loadModel, matrix, splitDataset } from '@backprop/nn';
import type { Dataset, Model } from '@backprop/nn';
import { describe, expect, it } from 'vitest';
import { compareResults, crossEntropyOf, rankResults } from '../src/sweep/rank.js';
import { cli, ensureBuilt, onlyJson, tmp } from './helpers.js';

interface Hand {
  config: { index: number; lambda: number };
  summary: { validationAccuracy?: number; trainAccuracy?: number; cost: number };
  crossEntropy: number;
}
const result = (index: number, lambda: number, validationAccuracy: number, cost: number, crossEntropy: number): Hand => ({
  config: { index, lambda },
  summary: { validationAccuracy, trainAccuracy: 1 - lambda / 100, cost },
  crossEntropy,
});

describe('rankResults', () => {
  it('a tie in accuracy goes to the lower unpenalised cross-entropy, not to the lower penalised cost', () => {
    // Penalised training cost orders them λ = 0.1, 1, 3 (the penalty grows with λ); the validation
    // cross-entropy says λ = 1 generalises best, then λ = 3, and λ = 0.1 (100% training accuracy) worst.
    const tied = [result(0, 0.1, 0.948, 0.05, 0.41), result(1, 1, 0.948, 0.31, 0.22), result(2, 3, 0.948, 0.62, 0.27)];
    const lower = result(3, 10, 0.94, 0.9, 0.1); // the lowest cross-entropy, but less accurate: accuracy comes first
    const ranked = rankResults([lower, ...tied]);
    expect(ranked.map((r) => r.config.lambda)).toEqual([1, 3, 0.1, 10]);
  });

  it('equal accuracy and cross-entropy: the grid order decides, whatever order the results arrived in', () => {
    const a = result(4, 3, 0.9, 0.5, 0.3);
    const b = result(1, 10, 0.9, 0.8, 0.3);
    const c = result(2, 0.1, 0.9, 0.1, 0.3);
    expect(rankResults([a, b, c]).map((r) => r.config.index)).toEqual([1, 2, 4]);
    expect(rankResults([c, a, b]).map((r) => r.config.index)).toEqual([1, 2, 4]);
  });

  it('without a validation set, training accuracy ranks; a NaN cross-entropy goes after every number', () => {
    const noVal = (index: number, trainAccuracy: number, crossEntropy: number) => ({
      config: { index }, summary: { trainAccuracy }, crossEntropy,
    });
    const ranked = rankResults([noVal(0, 0.97, NaN), noVal(1, 0.97, 0.5), noVal(2, 0.99, 0.9), noVal(3, 0.97, 0.4)]);
    expect(ranked.map((r) => r.config.index)).toEqual([2, 3, 1, 0]);
    expect(compareResults(noVal(0, 0.5, NaN), noVal(1, 0.5, NaN))).toBeLessThan(0);
  });
});

describe('crossEntropyOf', () => {
  it('is the network cost with λ = 0 whatever λ the model was trained with: 2·ln 2 for outputs of 0.5', () => {
    // 1-1-2 sigmoid network, input 0: the hidden unit is σ(0) = 0.5 whatever its (regularised) input weight 5, and
    // both outputs σ(0 + 0·0.5) = 0.5, so J = (1/m)·Σ_k −y log 0.5 − (1 − y) log 0.5 = 2·ln 2 for any labels.
    // With λ = 10 the penalty would add 10/(2·4)·5² = 31.25.
    const model: Model = { layers: [1, 1, 2], theta: Float64Array.of(0, 5, 0, 0, 0, 0), labelNames: ['1', '2'] };
    const set = { X: matrix(4, 1, new Float64Array(4)), y: Int32Array.of(1, 2, 2, 1), K: 2, name: 'zeros' } as unknown as Dataset;
    expect(crossEntropyOf(model, set, 'ts')).toBeCloseTo(2 * Math.LN2, 14);
  });
});

describe('backprop sweep ranks with it', () => {
  it('--json results carry the validation cross-entropy, are in rankResults order, and the best is the first', () => {
    ensureBuilt();
    const dir = tmp();
    const r = cli(['sweep', '--lambda', '0.1,3,30', '--hidden', '4', '--maxfun', '8', '--workers', '1', '--validation', '0.2', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const results = onlyJson(r).results as { lambda: number; validationAccuracy: number; crossEntropy: number }[];
    const asRankable = results.map((x, index) => ({ config: { index: [0.1, 3, 30].indexOf(x.lambda) }, summary: x, crossEntropy: x.crossEntropy, at: index }));
    expect(rankResults(asRankable).map((x) => x.at)).toEqual([0, 1, 2]);
    // the cross-entropy is the best model's on the validation split, recomputed here with λ = 0
    const best = loadModel(join(dir, 'reports/sweep/best.json'));
    expect(best.training?.lambda).toBe(results[0].lambda);
    const { validation } = splitDataset(loadDataset('digits5000'), { validation: 0.2, seed: 0 });
    expect(results[0].crossEntropy).toBeCloseTo(crossEntropyOf(best, validation!, 'ts'), 9);
    expect(r.stderr + r.stdout).not.toMatch(/NaN/);
  });
});
