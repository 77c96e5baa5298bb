// IDX data sets: examples + labels files, named as MNIST names them or as `backprop data export` writes them, read
// back as the data they hold: pixels (uint8 / 255) and labels (MNIST digits, digit 0 → 10; or 1..K) computed here
// from the values written, and a missing labels file refused with a typed error naming the files looked for.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DIGIT_LABEL_NAMES, makeDataset } from '../src/data/dataset.js';
import { loadDataset } from '../src/data/datasets.js';
import { DatasetError, DataFormatError } from '../src/data/errors.js';
import { writeIdx } from '../src/data/idx-write.js';

const dir = () => mkdtempSync(join(tmpdir(), 'bp-idx-ds-'));

describe('loadDataset reads IDX examples with their labels file', () => {
  it('MNIST-named uint8 files (and .gz): pixels / 255 as 28x28-style pictures row by row, digit 0 → label 10', () => {
    const d = dir();
    // 4 pictures of 3 rows × 2 columns; digits 7, 0, 3, 9
    const pixels = Uint8Array.from({ length: 4 * 6 }, (_, i) => (i * 37) % 256);
    const digits = Uint8Array.of(7, 0, 3, 9);
    writeFileSync(join(d, 'train-images-idx3-ubyte'), writeIdx({ type: 'uint8', dims: [4, 3, 2], data: pixels }));
    writeFileSync(join(d, 'train-labels-idx1-ubyte'), writeIdx({ type: 'uint8', dims: [4], data: digits }));
    const ds = loadDataset(join(d, 'train-images-idx3-ubyte'));
    expect(ds.X.rows).toBe(4);
    expect(ds.X.cols).toBe(6);
    expect(Array.from(ds.X.data)).toEqual(Array.from(pixels, (v) => v / 255));
    expect(Array.from(ds.y)).toEqual([7, 10, 3, 9]);
    expect(ds.labelNames).toEqual([...DIGIT_LABEL_NAMES]);
    expect(ds.imageShape).toEqual({ width: 2, height: 3, order: 'row-major' });
    expect(ds.name).toBe('train-images-idx3-ubyte');

    // the same, gzip-compressed, as MNIST distributes them; the t10k names too
    writeFileSync(join(d, 't10k-images-idx3-ubyte.gz'), gzipSync(writeIdx({ type: 'uint8', dims: [4, 3, 2], data: pixels })));
    writeFileSync(join(d, 't10k-labels-idx1-ubyte.gz'), gzipSync(writeIdx({ type: 'uint8', dims: [4], data: digits })));
    const gz = loadDataset(join(d, 't10k-images-idx3-ubyte.gz'));
    expect(gz.checksum).toBe(ds.checksum);
    rmSync(d, { recursive: true });
  });

  it('NAME.idx + NAME-labels.idx as data export writes them (float64 m×n, labels 1..K): the data as written', () => {
    const d = dir();
    const X = Float64Array.from({ length: 5 * 9 }, (_, i) => Math.sin(i) * 3.5);
    const y = Uint8Array.of(1, 4, 2, 4, 3);
    writeFileSync(join(d, 'set.idx'), writeIdx({ type: 'float64', dims: [5, 9], data: X }));
    writeFileSync(join(d, 'set-labels.idx'), writeIdx({ type: 'uint8', dims: [5], data: y }));
    const ds = loadDataset(join(d, 'set.idx'));
    const want = makeDataset({ name: 'set.idx', X: { rows: 5, cols: 9, data: X }, y: Array.from(y) });
    expect(ds.checksum).toBe(want.checksum);
    expect(ds.K).toBe(4);
    expect(ds.labelNames).toEqual(['1', '2', '3', '4']);
    expect(ds.imageShape).toEqual({ width: 3, height: 3, order: 'row-major' }); // 9 = 3×3: pictures row by row
    rmSync(d, { recursive: true });
  });

  it('a missing labels file, labels of another count, non-integer labels, a 1-D examples file: typed one-line errors', () => {
    const d = dir();
    writeFileSync(join(d, 'a.idx'), writeIdx({ type: 'float64', dims: [2, 2], data: Float64Array.of(1, 2, 3, 4) }));
    const missing = () => loadDataset(join(d, 'a.idx'));
    expect(missing).toThrow(DatasetError);
    expect(missing).toThrow(/^a\.idx: no labels file beside it: looked for a-labels\.idx and a-labels\.idx\.gz in /);
    try {
      missing();
    } catch (err) {
      expect((err as DatasetError).code).toBe('ERR_DATASET_LABELS_FILE');
    }
    writeFileSync(join(d, 'x-images-idx3-ubyte'), writeIdx({ type: 'uint8', dims: [1, 2, 2], data: Uint8Array.of(1, 2, 3, 4) }));
    expect(() => loadDataset(join(d, 'x-images-idx3-ubyte'))).toThrow(/looked for x-labels-idx1-ubyte and x-labels-idx1-ubyte\.gz/);

    writeFileSync(join(d, 'a-labels.idx'), writeIdx({ type: 'uint8', dims: [3], data: Uint8Array.of(1, 2, 1) }));
    expect(missing).toThrow(/a\.idx: 2 examples but 3 labels in a-labels\.idx/);
    writeFileSync(join(d, 'a-labels.idx'), writeIdx({ type: 'float64', dims: [2], data: Float64Array.of(1, 2) }));
    expect(missing).toThrow(/a-labels\.idx must hold \[m\] integer labels, got IDX float64 \[2\]/);
    writeFileSync(join(d, 'b.idx'), writeIdx({ type: 'float64', dims: [4], data: Float64Array.of(1, 2, 3, 4) }));
    writeFileSync(join(d, 'b-labels.idx'), writeIdx({ type: 'uint8', dims: [4], data: Uint8Array.of(1, 2, 1, 2) }));
    expect(() => loadDataset(join(d, 'b.idx'))).toThrow(/expected examples \[m, rows, cols\] or \[m, n\]/);
    rmSync(d, { recursive: true });
  });

  it('declared sizes beyond the bytes are refused before anything is allocated (the IDX reader’s bounds)', () => {
    const d = dir();
    // a header declaring 2^32−1 × 2^32−1 × 255 uint8 values, with 4 bytes of data
    const header = Buffer.alloc(16 + 4);
    header.set([0, 0, 0x08, 3]);
    header.writeUInt32BE(0xffffffff, 4);
    header.writeUInt32BE(0xffffffff, 8);
    header.writeUInt32BE(255, 12);
    writeFileSync(join(d, 'huge-images-idx3-ubyte'), header);
    writeFileSync(join(d, 'huge-labels-idx1-ubyte'), writeIdx({ type: 'uint8', dims: [1], data: Uint8Array.of(1) }));
    expect(() => loadDataset(join(d, 'huge-images-idx3-ubyte'))).toThrow(DataFormatError);
    expect(() => loadDataset(join(d, 'huge-images-idx3-ubyte'))).toThrow(new RegExp(`need ${(0xffffffffn * 0xffffffffn * 255n).toString()} bytes of data, the file has 4$`));
    rmSync(d, { recursive: true });
  });
});
