/**
 * A seed is an integer from 0 to 2^53 − 1 everywhere the library takes one, as the CLI's --seed is (and as
 * scikit-learn's random_state refuses 1.5 or −1). Before the fix `new Classifier({ seed: 1.5 })` trained exactly as
 * seed 1, and −1 and 2^60 were accepted (randomInit, train, splitDataset, adam's `seed` alike).
 */
import { describe, expect, it } from 'vitest';
import { Classifier, fromRows, InvalidArgumentError, loadDigits5000, minimize, randomInit, splitDataset, train } from '../src/index.js';

const BAD: unknown[] = [1.5, -1, 2 ** 60, Number.NaN, Infinity, '1'];
const shown = (v: unknown): string => (typeof v === 'number' ? String(v) : typeof v);
const line = (name: string, v: unknown): string => `${name}: expected an integer from 0 to 9007199254740991, got ${shown(v)}`;
const X = fromRows([[0, 0], [1, 1], [0, 1], [1, 0]]);
const y = [1, 2, 1, 2];

describe('seeds outside 0..2^53 − 1 are refused with one typed line naming the option', () => {
  it.each(BAD)('Classifier, train, randomInit: seed %s', async (seed) => {
    const expectRefused = (f: () => unknown, name = 'seed'): void => {
      expect(f).toThrow(InvalidArgumentError);
      expect(f).toThrow(line(name, seed));
    };
    expectRefused(() => new Classifier({ seed: seed as number }));
    expectRefused(() => randomInit([2, 3, 2], { seed: seed as number }));
    await expect(train({ hidden: [3] }, { X, y }, { seed: seed as number })).rejects.toThrow(line('seed', seed));
  });

  it('splitDataset and adam name their own option', () => {
    const digits = loadDigits5000();
    expect(() => splitDataset(digits, { validation: 0.1, seed: 1.5 })).toThrow(line('options.seed', 1.5));
    const f = (x: Float64Array, g: Float64Array): number => (g.set(x), x.reduce((s, v) => s + v * v, 0) / 2);
    expect(() => minimize(f, new Float64Array(2), { method: 'adam', options: { m: 4, seed: -1 } })).toThrow(InvalidArgumentError);
    expect(() => minimize(f, new Float64Array(2), { method: 'adam', options: { m: 4, seed: -1 } })).toThrow("adam option 'seed' must be an integer ≥ 0");
  });

  it('0 and 2^53 − 1 are seeds, and different ones draw different weights', () => {
    expect(() => new Classifier({ seed: 0 })).not.toThrow();
    const a = randomInit([2, 3, 2], { seed: Number.MAX_SAFE_INTEGER });
    const b = randomInit([2, 3, 2], { seed: 0 });
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });
});
