import { describe, expect, it } from 'vitest';
import {
  BackendUnavailableError,
  cost,
  getBackend,
  InvalidArgumentError,
  oneHot,
  randomInit,
  serialize,
  ShapeError,
  deserialize,
} from '../src/index.js';

const layers = [4, 3, 2];
const X = { rows: 2, cols: 4, data: Float64Array.of(1, 0, 0.5, 0, 0, 1, 0, 0.25) };
const y = [1, 2];
const theta = randomInit(layers, { seed: 1 });

describe('bad input gives clear typed errors', () => {
  it('wrong parameter length names expected and received', () => {
    expect(() => cost(theta.subarray(1), X, y, { layers })).toThrow(ShapeError);
    expect(() => cost(theta.subarray(1), X, y, { layers })).toThrow(/expected length 23 .* got length 22/);
  });
  it('NaN or Infinity in parameters', () => {
    const bad = theta.slice();
    bad[5] = NaN;
    expect(() => cost(bad, X, y, { layers })).toThrow(/theta\[5\] is NaN/);
    bad[5] = Infinity;
    expect(() => cost(bad, X, y, { layers })).toThrow(ShapeError);
  });
  it('non-Float64Array parameters', () => {
    expect(() => cost(Float32Array.from(theta) as unknown as Float64Array, X, y, { layers })).toThrow(
      /expected Float64Array/,
    );
  });
  it('mismatched layer sizes and X columns', () => {
    expect(() => cost(randomInit([5, 3, 2]), X, y, { layers: [5, 3, 2] })).toThrow(/has 4 columns but the input layer has 5/);
    expect(() => cost(theta, X, y, { layers: [4] })).toThrow(/at least 2 layer sizes/);
    expect(() => cost(theta, X, y, { layers: [4, 0, 2] })).toThrow(/layers\[1\]/);
  });
  it('labels out of range, wrong count, NaN inputs, bad λ', () => {
    expect(() => cost(theta, X, [1, 3], { layers })).toThrow(/labels must be integers in 1..2/);
    expect(() => cost(theta, X, [1], { layers })).toThrow(/expected 2 labels/);
    const Xn = { ...X, data: X.data.slice() };
    Xn.data[3] = NaN;
    expect(() => cost(theta, Xn, y, { layers })).toThrow(/X\[0, 3\] is NaN/);
    expect(() => cost(theta, X, y, { layers, lambda: -1 })).toThrow(InvalidArgumentError);
    expect(() => cost(theta, X, y, { layers, lambda: NaN })).toThrow(/lambda/);
  });
  it('unknown backend name', () => {
    expect(() => getBackend('gpu' as never)).toThrow(InvalidArgumentError);
  });
  it('serialize rejects Θ that do not chain; deserialize rejects wrong length', () => {
    const [T1, T2] = deserialize(theta, layers);
    expect(serialize(T1, T2)).toEqual(theta);
    expect(() => serialize(T2, T1)).toThrow(ShapeError);
    expect(() => deserialize(theta.subarray(2), layers)).toThrow(/expected length 23/);
  });
  it('oneHot rejects labels 0 and K+1', () => {
    expect(() => oneHot([0], 10)).toThrow(ShapeError);
    expect(() => oneHot([11], 10)).toThrow(ShapeError);
    expect(oneHot([10, 1], 10).data[9]).toBe(1);
  });
  it('BackendUnavailableError is exported with a code', () => {
    expect(new BackendUnavailableError('x').code).toBe('ERR_BACKEND_UNAVAILABLE');
  });
});
