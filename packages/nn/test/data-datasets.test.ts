// loadDataset: built-in names (checked against numpy facts about the MNIST files), MAT and CSV files, and the
// typed errors for unknown names and files of the wrong shape.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/data/datasets.js';
import { DIGITS5000_CHECKSUM } from '../src/data/digits5000.js';
import { DatasetError } from '../src/data/errors.js';
import { writeMat } from '../src/data/mat/index.js';
import { matrix, toRows } from '../src/matrix.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const mnistRef = JSON.parse(readFileSync(join(FIX, 'idx', 'mnist-reference.json'), 'utf8')) as Record<
  'train' | 'test',
  { images_dims: number[]; label_counts: number[]; first_labels: number[]; first_pixel_sums: number[]; image0_row14: number[] }
>;
const dir = mkdtempSync(join(tmpdir(), 'backprop-datasets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function datasetCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    return (e as DatasetError).code;
  }
}

describe('built-in data sets', () => {
  it('digits5000', () => {
    const ds = loadDataset('digits5000');
    expect(ds.checksum).toBe(DIGITS5000_CHECKSUM);
    expect(ds.name).toBe('digits5000');
    expect(loadDataset('digits5000', { name: 'course' }).name).toBe('course');
  });

  for (const split of ['train', 'test'] as const) {
    const name = split === 'train' ? 'mnist' : 'mnist-test';
    it(`${name}: pixels / 255 row-major 28x28, labels with digit 0 → 10, as numpy reads the IDX files`, () => {
      const ref = mnistRef[split];
      const ds = loadDataset(name);
      const m = ref.images_dims[0];
      expect([ds.X.rows, ds.X.cols]).toEqual([m, 784]);
      expect(ds.imageShape).toEqual({ width: 28, height: 28, order: 'row-major' });
      expect(ds.K).toBe(10);
      expect(ds.labelNames).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '0']);
      const counts = new Array(11).fill(0);
      for (const label of ds.y) counts[label]++;
      expect(counts[10]).toBe(ref.label_counts[0]);
      for (let d = 1; d <= 9; d++) expect(counts[d]).toBe(ref.label_counts[d]);
      expect(Array.from(ds.y.subarray(0, 20))).toEqual(ref.first_labels.map((d) => (d === 0 ? 10 : d)));
      for (let i = 0; i < 20; i++) {
        let sum = 0;
        for (let j = 0; j < 784; j++) sum += Math.round(ds.X.data[i * 784 + j] * 255);
        expect(sum).toBe(ref.first_pixel_sums[i]);
      }
      const row14 = Array.from(ds.X.data.subarray(14 * 28 + 7, 14 * 28 + 21), (v) => Math.round(v * 255));
      expect(row14).toEqual(ref.image0_row14);
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of ds.X.data) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      expect([lo, hi]).toEqual([0, 1]);
    });
  }
});

describe('files', () => {
  it('a .mat with X and y like ex4data1 (labels 1..10, 400 columns → 20x20 column-major images)', () => {
    const X = matrix(3, 400);
    X.data.forEach((_, i) => (X.data[i] = (i % 17) / 17));
    const path = join(dir, 'ex4like.mat');
    writeFileSync(path, writeMat({ X, y: matrix(3, 1, [10, 1, 5]) }, { compress: true }));
    const ds = loadDataset(path);
    expect(ds.X).toEqual(X);
    expect(Array.from(ds.y)).toEqual([10, 1, 5]);
    expect(ds.K).toBe(10);
    expect(ds.name).toBe('ex4like.mat');
    expect(ds.imageShape).toEqual({ width: 20, height: 20, order: 'column-major' });
    const digits = loadDataset(path, { labels: 'digits' });
    expect(digits.labelNames[digits.y[0] - 1]).toBe('0');
  });

  it('a .mat with y as a row vector and custom variable names', () => {
    const path = join(dir, 'custom.mat');
    writeFileSync(path, writeMat({ features: matrix(2, 3, [1, 2, 3, 4, 5, 6]), labels: matrix(1, 2, [2, 1]) }));
    const ds = loadDataset(path, { xVariable: 'features', yVariable: 'labels' });
    expect(toRows(ds.X)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(Array.from(ds.y)).toEqual([2, 1]);
    expect(ds.imageShape).toBeUndefined();
  });

  it('a .mat of the wrong shape says what it expected and what it found', () => {
    let message = '';
    try {
      loadDataset(join(FIX, 'ex4weights.mat'));
    } catch (e) {
      expect((e as DatasetError).code).toBe('ERR_DATASET_SHAPE');
      message = (e as Error).message;
    }
    expect(message).toMatch(/expected a numeric m×n 'X' and m labels 'y'/);
    expect(message).toMatch(/Theta1 \(25x401 double\)/);

    const short = join(dir, 'short.mat');
    writeFileSync(short, writeMat({ X: matrix(3, 2), y: matrix(2, 1, [1, 2]) }));
    expect(datasetCode(() => loadDataset(short))).toBe('ERR_DATASET_SHAPE');

    const zero = join(dir, 'zero.mat');
    writeFileSync(zero, writeMat({ X: matrix(2, 2), y: matrix(2, 1, [0, 1]) }));
    expect(datasetCode(() => loadDataset(zero))).toBe('ERR_DATASET_LABELS');
    expect(() => loadDataset(zero)).toThrow(/digits/);
    expect(Array.from(loadDataset(zero, { labels: 'zero-based' }).y)).toEqual([1, 2]);
  });

  it('a .csv file', () => {
    const path = join(dir, 'small.csv');
    writeFileSync(path, 'x1,x2,label\n0.5,1,1\n2,3,2\n');
    const ds = loadDataset(path);
    expect(toRows(ds.X)).toEqual([
      [0.5, 1],
      [2, 3],
    ]);
    expect(ds.name).toBe('small.csv');
  });

  it('unknown names and unsupported files are DatasetErrors listing what is accepted', () => {
    expect(datasetCode(() => loadDataset('cifar10'))).toBe('ERR_DATASET_UNKNOWN');
    expect(() => loadDataset('cifar10')).toThrow(/digits5000, mnist, mnist-test/);
    const json = join(dir, 'data.json');
    writeFileSync(json, '{}');
    expect(datasetCode(() => loadDataset(json))).toBe('ERR_DATASET_UNKNOWN');
    expect(() => loadDataset('' as string)).toThrow(/name/);
  });
});
