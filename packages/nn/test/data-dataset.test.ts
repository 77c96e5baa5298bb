// Dataset sealing, the course label mapping, checksums and seeded splits.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { datasetChecksum, labelOfDigit, makeDataset, type Dataset } from '../src/data/dataset.js';
import { DatasetError } from '../src/data/errors.js';
import { splitDataset, subsetDataset } from '../src/data/split.js';
import { InvalidArgumentError } from '../src/errors.js';

/** m rows; row i is [i, 2i] so every row can be traced back; labels follow `labelOf`. */
function traced(m: number, labelOf: (i: number) => number, K: number): Dataset {
  const data = new Float64Array(2 * m);
  for (let i = 0; i < m; i++) {
    data[2 * i] = i;
    data[2 * i + 1] = 2 * i;
  }
  return makeDataset({ name: 'traced', X: { rows: m, cols: 2, data }, y: Array.from({ length: m }, (_, i) => labelOf(i)), K });
}

const rowsOf = (ds: Dataset) => Array.from({ length: ds.X.rows }, (_, i) => ds.X.data[2 * i]);

describe('course labels', () => {
  it('labelOfDigit: 0 → 10, 1..9 unchanged', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(labelOfDigit)).toEqual([10, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => labelOfDigit(10)).toThrow(/digit/);
  });
});

describe('makeDataset and checksums', () => {
  it('checksum = sha256(X as float64 LE ‖ y as int32 LE)', () => {
    const X = { rows: 2, cols: 2, data: Float64Array.from([1.5, -2, 0, 1e300]) };
    const y = Int32Array.from([1, 2]);
    const manual = Buffer.alloc(2 * 2 * 8 + 2 * 4);
    [1.5, -2, 0, 1e300].forEach((v, i) => manual.writeDoubleLE(v, 8 * i));
    [1, 2].forEach((v, i) => manual.writeInt32LE(v, 32 + 4 * i));
    expect(datasetChecksum(X, y)).toBe(createHash('sha256').update(manual).digest('hex'));
    expect(makeDataset({ name: 't', X, y }).checksum).toBe(datasetChecksum(X, y));
  });

  it('any change in X or y changes the checksum', () => {
    const a = traced(10, (i) => 1 + (i % 3), 3);
    const X2 = { ...a.X, data: a.X.data.slice() };
    X2.data[7] = 7.000000000000001;
    expect(datasetChecksum(X2, a.y)).not.toBe(a.checksum);
    const y2 = a.y.slice();
    y2[0] = 2;
    expect(datasetChecksum(a.X, y2)).not.toBe(a.checksum);
  });

  it('refuses parts that do not fit, saying what was expected', () => {
    const X = { rows: 2, cols: 2, data: new Float64Array(4) };
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(DatasetError);
        return (e as DatasetError).code;
      }
    };
    expect(code(() => makeDataset({ name: 't', X, y: [1] }))).toBe('ERR_DATASET_SHAPE');
    expect(code(() => makeDataset({ name: 't', X, y: [1, 0] }))).toBe('ERR_DATASET_LABELS');
    expect(code(() => makeDataset({ name: 't', X, y: [1, 4], K: 3 }))).toBe('ERR_DATASET_LABELS');
    expect(code(() => makeDataset({ name: 't', X, y: [1, 1.5] }))).toBe('ERR_DATASET_LABELS');
    expect(code(() => makeDataset({ name: 't', X, y: [1, 2], labelNames: ['a'] }))).toBe('ERR_DATASET_LABELS');
    expect(code(() => makeDataset({ name: 't', X, y: [1, 2], imageShape: { width: 3, height: 1, order: 'row-major' } }))).toBe(
      'ERR_DATASET_SHAPE',
    );
    expect(code(() => makeDataset({ name: 't', X: { rows: 2, cols: 2, data: new Float64Array(3) }, y: [1, 1] }))).toBe(
      'ERR_DATASET_SHAPE',
    );
  });
});

describe('splitDataset', () => {
  // 103 rows in three interleaved classes of unequal sizes.
  const labelOf = (i: number) => (i % 5 === 4 ? 3 : i % 3 === 0 && i < 99 ? 2 : 1);
  const ds = traced(103, labelOf, 3);
  const sizes = [1, 2, 3].map((k) => Array.from(ds.y).filter((l) => l === k).length);

  it('round(f·m) rows per part, disjoint, covering every row, each in original order', () => {
    const { train, validation, test } = splitDataset(ds, { validation: 0.2, test: 0.1, seed: 1 });
    expect(test!.X.rows).toBe(Math.round(0.1 * 103));
    expect(validation!.X.rows).toBe(Math.round(0.2 * 103));
    expect(train.X.rows).toBe(103 - test!.X.rows - validation!.X.rows);
    const all = [...rowsOf(train), ...rowsOf(validation!), ...rowsOf(test!)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 103 }, (_, i) => i));
    for (const part of [train, validation!, test!]) {
      const r = rowsOf(part);
      expect(r).toEqual([...r].sort((a, b) => a - b));
      r.forEach((row, i) => {
        expect(part.X.data[2 * i + 1]).toBe(2 * row);
        expect(part.y[i]).toBe(labelOf(row));
      });
      expect(part.K).toBe(3);
      expect(part.checksum).toBe(datasetChecksum(part.X, part.y));
    }
    expect(train.name).toBe('traced:train');
  });

  it('the same seed gives the same split; another seed another one', () => {
    const a = splitDataset(ds, { test: 0.25, seed: 9 });
    const b = splitDataset(ds, { test: 0.25, seed: 9 });
    const c = splitDataset(ds, { test: 0.25, seed: 10 });
    expect(rowsOf(a.test!)).toEqual(rowsOf(b.test!));
    expect(rowsOf(a.test!)).not.toEqual(rowsOf(c.test!));
    expect(a.validation).toBeUndefined();
  });

  it('stratify keeps class proportions: round(f · class size) rows of each class per part', () => {
    const { train, validation, test } = splitDataset(ds, { validation: 0.2, test: 0.1, seed: 4, stratify: true });
    for (let k = 1; k <= 3; k++) {
      const n = (part: Dataset) => Array.from(part.y).filter((l) => l === k).length;
      expect(n(test!)).toBe(Math.round(0.1 * sizes[k - 1]));
      expect(n(validation!)).toBe(Math.round(0.2 * sizes[k - 1]));
      expect(n(train)).toBe(sizes[k - 1] - n(test!) - n(validation!));
    }
  });

  it('rejects bad fractions and splits that leave a part empty', () => {
    expect(() => splitDataset(ds, { validation: 1 })).toThrow(/options\.validation/);
    expect(() => splitDataset(ds, { test: -0.1 })).toThrow(InvalidArgumentError);
    expect(() => splitDataset(ds, { validation: 0.6, test: 0.4 })).toThrow(/below 1/);
    expect(() => splitDataset(traced(2, () => 1, 1), { validation: 0.3, test: 0.3 })).toThrow(/too few/);
  });

  it('subsetDataset refuses rows out of range', () => {
    expect(() => subsetDataset(ds, [0, 103], 'x')).toThrow(/row 103/);
  });
});
