import { describe, expect, it } from 'vitest';
import { decodePng, displayDataGrid, hiddenLayerGrid, hiddenLayerPng, ImageError } from '../src/image/index.js';
import type { Matrix } from '../src/matrix.js';

// Two hidden units over a 2×2 input. Θ1 is 2×5: bias, then w[0..3].
// Unit 1 weights [1, 2, 3, 4], unit 2 weights [-1, 0, 0, 1]; bias values must be ignored.
const Theta1: Matrix = { rows: 2, cols: 5, data: Float64Array.from([100, 1, 2, 3, 4, -100, -1, 0, 0, 1]) };

describe('hiddenLayerGrid: the seed’s plot_hidden_layer', () => {
  it('column-major 2x2 input, cell 1, pad 1: hand-computed pixels', () => {
    // Layout: 2 units → 2 columns × 1 row; width = 1 + 2·(2 + 1) = 7, height = 1 + (2 + 1) = 4; separators white (1).
    // Column-major: picture (r, c) = w[c·2 + r]. Unit 1: (0,0)=1 (0,1)=3 (1,0)=2 (1,1)=4.
    // Scaled to its min..max (1..4) and reversed (gray_r, high = black): 1 → 1, 2 → 2/3, 3 → 1/3, 4 → 0.
    // Unit 2 (min −1, max 1): (0,0)=−1 → 1, (0,1)=0 → 0.5, (1,0)=0 → 0.5, (1,1)=1 → 0.
    const g = hiddenLayerGrid({ Theta1, inputShape: { width: 2, height: 2, order: 'column-major' } }, { cell: 1, pad: 1 });
    expect([g.width, g.height]).toEqual([7, 4]);
    const W = 1;
    const expected = [
      [W, W, W, W, W, W, W],
      [W, 1, 1 / 3, W, 1, 0.5, W],
      [W, 2 / 3, 0, W, 0.5, 0, W],
      [W, W, W, W, W, W, W],
    ].flat();
    expected.forEach((v, i) => expect(g.gray[i]).toBeCloseTo(v, 12));
  });

  it('row-major input puts w[r·width + c] at (r, c); cell 2 doubles every pixel; a model works as the source', () => {
    const model = { layers: [4, 2, 1], theta: new Float64Array(2 * 5 + 1 * 3), inputShape: { width: 2, height: 2, order: 'row-major' as const } };
    model.theta.set(Theta1.data);
    const g = hiddenLayerGrid(model, { cell: 2, pad: 0 });
    expect([g.width, g.height]).toEqual([8, 4]);
    // unit 1 row-major: (0,0)=1→1, (0,1)=2→2/3, (1,0)=3→1/3, (1,1)=4→0; each a 2×2 block.
    const row0 = Array.from(g.gray.subarray(0, 8));
    const row2 = Array.from(g.gray.subarray(16, 24));
    [1, 1, 2 / 3, 2 / 3, 1, 1, 0.5, 0.5].forEach((v, i) => expect(row0[i]).toBeCloseTo(v, 12));
    [1 / 3, 1 / 3, 0, 0, 0.5, 0.5, 0, 0].forEach((v, i) => expect(row2[i]).toBeCloseTo(v, 12));
  });

  it('25 units make a 5x5 grid (the seed’s figure); 10 units 4 columns × 3 rows; PNG has the same size', () => {
    const make = (units: number): Matrix => ({ rows: units, cols: 401, data: Float64Array.from({ length: units * 401 }, (_, i) => Math.sin(i)) });
    const shape = { width: 20, height: 20, order: 'column-major' as const };
    const g25 = hiddenLayerGrid({ Theta1: make(25), inputShape: shape });
    expect([g25.width, g25.height]).toEqual([2 + 5 * (160 + 2), 2 + 5 * (160 + 2)]);
    const g10 = hiddenLayerGrid({ Theta1: make(10), inputShape: shape }, { cell: 1, pad: 1 });
    expect([g10.width, g10.height]).toEqual([1 + 4 * 21, 1 + 3 * 21]);
    const png = decodePng(hiddenLayerPng({ Theta1: make(10), inputShape: shape }, { cell: 1, pad: 1 }));
    expect([png.width, png.height]).toEqual([g10.width, g10.height]);
  });

  it('a constant unit is mid-grey; a missing or wrong inputShape is an ImageError naming it', () => {
    const flat: Matrix = { rows: 1, cols: 5, data: Float64Array.from([0, 2, 2, 2, 2]) };
    const g = hiddenLayerGrid({ Theta1: flat, inputShape: { width: 2, height: 2, order: 'row-major' } }, { cell: 1, pad: 0 });
    expect(Array.from(g.gray)).toEqual([0.5, 0.5, 0.5, 0.5]);
    const model = { layers: [4, 2, 1], theta: new Float64Array(13) };
    expect(() => hiddenLayerGrid(model)).toThrow(/no inputShape/);
    expect(() => hiddenLayerGrid({ Theta1, inputShape: { width: 3, height: 2, order: 'row-major' } })).toThrow(
      /3x2 = 6 pixels, but each input has 4 values/,
    );
    expect(() => hiddenLayerGrid({ Theta1, inputShape: { width: 2, height: 2, order: 'row-major' } }, { cell: 0 })).toThrow(ImageError);
  });
});

describe('displayDataGrid: the course’s displayData', () => {
  it('scales each example by its max |x| onto −1 (black) … 1 (white), with black 1-pixel padding', () => {
    // Two 1×2 examples chosen explicitly: [2, −1] → [1, −0.5] → gray [1, 0.25]; [0, 0] → gray 0.5.
    const X: Matrix = { rows: 3, cols: 2, data: Float64Array.from([9, 9, 2, -1, 0, 0]) };
    const g = displayDataGrid(X, { width: 2, height: 1, order: 'row-major' }, { rows: [1, 2], cell: 1 });
    // 2 tiles → 2 columns: width 1 + 2·3 = 7, height 1 + 2 = 3
    expect([g.width, g.height]).toEqual([7, 3]);
    expect(Array.from(g.gray.subarray(7, 14))).toEqual([0, 1, 0.25, 0, 0.5, 0.5, 0]);
    expect(Array.from(g.gray.subarray(0, 7))).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('chooses count rows at random reproducibly by seed', () => {
    const X: Matrix = { rows: 50, cols: 4, data: Float64Array.from({ length: 200 }, (_, i) => (i % 7) - 3) };
    const shape = { width: 2, height: 2, order: 'column-major' as const };
    const a = displayDataGrid(X, shape, { count: 9, seed: 3 });
    const b = displayDataGrid(X, shape, { count: 9, seed: 3 });
    expect(Buffer.from(a.gray.buffer).equals(Buffer.from(b.gray.buffer))).toBe(true);
    expect(() => displayDataGrid(X, shape, { rows: [50] })).toThrow(/row 50: expected 0..49/);
  });
});
