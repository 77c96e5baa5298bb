import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Matrix } from '../src/matrix.js';

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

export interface Golden {
  ex4: {
    layers: number[];
    theta: number[];
    X: number[][];
    y: number[];
    cost: number;
    regCost1: number;
    regCost3: number;
    gradient: number[];
    regGradient1: number[];
    sigmoidGradient: number[];
  };
  deep: { layers: number[]; lambda: number; theta: number[]; X: number[][]; y: number[]; cost: number; gradient: number[] }[];
}

let golden: Golden | undefined;
/** Values computed by scripts/ref/golden_cost.py (numpy, the seed's functions as written). */
export function loadGolden(): Golden {
  golden ??= JSON.parse(readFileSync(fixture('golden-cost.json'), 'utf8')) as Golden;
  return golden;
}

export function rowsToMatrix(rows: number[][]): Matrix {
  const m = rows.length;
  const n = rows[0].length;
  const data = new Float64Array(m * n);
  rows.forEach((r, i) => data.set(r, i * n));
  return { rows: m, cols: n, data };
}

/** max_i |a_i − b_i| / max(|b_i|, floor) */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-300): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor);
    if (e > worst) worst = e;
  }
  return worst;
}

/**
 * Per-entry relative error of a gradient against a reference, each entry's denominator floored at 1e-4 of the
 * largest reference entry: entries that cancel to ~1e-6 of the scale only carry summation-order rounding.
 */
export function gradRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  return maxRelErr(a, b, Math.max(scale * 1e-4, 1e-300));
}
