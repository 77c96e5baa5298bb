// withPixelOrder: an export's pictures in the target format's layout, so they read back upright.
import { describe, expect, it } from 'vitest';
import { makeDataset } from '../src/data/dataset.js';
import { withPixelOrder } from '../src/data/pixel-order.js';

// a 2-example set of 3 wide × 2 high pictures, pixel (r, c) of example i holding 100·i + 10·r + c
function pictures(order: 'row-major' | 'column-major') {
  const w = 3;
  const h = 2;
  const data = new Float64Array(2 * w * h);
  for (let i = 0; i < 2; i++) {
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) data[i * w * h + (order === 'row-major' ? r * w + c : c * h + r)] = 100 * i + 10 * r + c;
    }
  }
  return makeDataset({ name: 'p', X: { rows: 2, cols: w * h, data }, y: [1, 2], imageShape: { width: w, height: h, order } });
}

describe('withPixelOrder', () => {
  it('column-major pictures come out row by row, and back', () => {
    const col = pictures('column-major');
    const row = withPixelOrder(col, 'row-major');
    expect(Array.from(row.X.data)).toEqual(Array.from(pictures('row-major').X.data));
    expect(row.imageShape).toEqual({ width: 3, height: 2, order: 'row-major' });
    expect(row.checksum).toBe(pictures('row-major').checksum);
    expect(withPixelOrder(row, 'column-major').checksum).toBe(col.checksum);
  });

  it('a set already in the order, or not pictures, is returned as it is', () => {
    const row = pictures('row-major');
    expect(withPixelOrder(row, 'row-major')).toBe(row);
    const plain = makeDataset({ name: 'q', X: { rows: 1, cols: 2, data: Float64Array.of(1, 2) }, y: [1] });
    expect(withPixelOrder(plain, 'column-major')).toBe(plain);
  });
});
