/**
 * The cost front door (cost.ts): `cost`, `gradient` and `costGradient` agree with each other; λ defaults to 0;
 * labels and one-hot target matrices give the same numbers; and every mismatch between X, y and the network is a
 * ShapeError naming the expected and the received (issue 21's mutation run found these unpinned).
 */
import { describe, expect, it } from 'vitest';
import { cost, costGradient, gradient, randomInit, ShapeError } from '../src/index.js';
import { matrix } from '../src/matrix.js';

const layers = [3, 4, 2];
const theta = randomInit(layers, { seed: 11, range: 0.8 });
const X = matrix(3, 3, [0.1, 0.9, 0.3, 0.8, 0.2, 0.5, 0.4, 0.4, 1.0]);
const y = [1, 2, 2];
const Y = matrix(3, 2, [1, 0, 0, 1, 0, 1]);

function shapeError(fn: () => unknown): ShapeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ShapeError);
    return e as ShapeError;
  }
  throw new Error('expected a ShapeError');
}

describe('cost, gradient and costGradient', () => {
  it('agree with each other, and λ omitted is λ = 0', () => {
    for (const backend of ['ts', 'auto'] as const) {
      const both = costGradient(theta, X, y, { layers, backend });
      expect(both.grad).toHaveLength(theta.length);
      expect(cost(theta, X, y, { layers, backend })).toBe(both.cost);
      expect(Array.from(gradient(theta, X, y, { layers, backend }))).toEqual(Array.from(both.grad));
      const zero = costGradient(theta, X, y, { layers, backend, lambda: 0 });
      expect(zero.cost).toBe(both.cost);
      const reg = costGradient(theta, X, y, { layers, backend, lambda: 1 });
      expect(reg.cost).toBeGreaterThan(both.cost);
      expect(cost(theta, X, y, { layers, backend, lambda: 1 })).toBe(reg.cost);
      expect(Array.from(gradient(theta, X, y, { layers, backend, lambda: 1 }))).toEqual(Array.from(reg.grad));
    }
  });

  it('labels 1..K and the same targets one-hot give identical cost and gradient', () => {
    const a = costGradient(theta, X, y, { layers, lambda: 0.5, backend: 'ts' });
    const b = costGradient(theta, X, Y, { layers, lambda: 0.5, backend: 'ts' });
    const c = costGradient(theta, X, Int32Array.from(y), { layers, lambda: 0.5, backend: 'ts' });
    expect(b.cost).toBe(a.cost);
    expect(c.cost).toBe(a.cost);
    expect(Array.from(b.grad)).toEqual(Array.from(a.grad));
  });

  it('too few or too many labels → ShapeError naming both counts', () => {
    expect(shapeError(() => cost(theta, X, [1, 2], { layers })).message).toBe('y: expected 3 labels (one per row of X), got 2');
    expect(shapeError(() => cost(theta, X, [1, 2, 1, 1], { layers })).message).toBe('y: expected 3 labels (one per row of X), got 4');
  });

  it('a target matrix of the wrong shape or with values outside [0, 1] → ShapeError', () => {
    expect(shapeError(() => cost(theta, X, matrix(3, 3, new Float64Array(9)), { layers })).message).toBe(
      'y: expected 3x2 targets (one per example and class), got 3x3',
    );
    expect(shapeError(() => cost(theta, X, matrix(2, 2, [1, 0, 0, 1]), { layers })).message).toMatch(/expected 3x2 targets .* got 2x2/);
    expect(shapeError(() => cost(theta, X, matrix(3, 2, [1, 0, 0, 2, 0, 1]), { layers })).message).toBe(
      'y[1, 1] is 2: targets must be in [0, 1]',
    );
  });

  it('a negative or non-finite λ is refused before any work', () => {
    expect(() => cost(theta, X, y, { layers, lambda: -1 })).toThrow(/lambda/);
    expect(() => cost(theta, X, y, { layers, lambda: Number.NaN })).toThrow(/lambda/);
  });
});
