// Which data sets declare their pixel order (Dataset.pixelOrderKnown) and which only have it guessed from a square
// number of columns. Only a declared order is used to lay pictures out in a model's order (the CLI's evaluate and
// predict), so a CSV dump of the course's column-major X, which has no header, must stay a guess.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCsv, loadDataset, loadDigits5000, loadIdxDataset, makeDataset, parseCsv, splitDataset, subsetDataset, withPixelOrder, writeIdx } from '../src/index.js';

const dir = () => mkdtempSync(join(tmpdir(), 'bp-order-'));
// a 2x2 picture per row: the header names pixel (r, c) as pixel{r*2+c} (Kaggle's MNIST convention)
const rows = ['1,2,3,4,a', '5,6,7,8,b'];

describe('pixelOrderKnown: declared by the source, not guessed from the column count', () => {
  it('built-in sets declare theirs; splits, subsets and reorderings keep it', () => {
    const digits = loadDigits5000();
    expect(digits.pixelOrderKnown).toBe(true);
    expect(digits.imageShape).toEqual({ width: 20, height: 20, order: 'column-major' });
      expect(splitDataset(digits, { validation: 0.1, seed: 1 }).train.pixelOrderKnown).toBe(true);
    expect(subsetDataset(digits, [0, 1, 2], 'three').pixelOrderKnown).toBe(true);
    expect(withPixelOrder(digits, 'row-major').pixelOrderKnown).toBe(true);
  });

  it('a CSV header pixel0 … pixelN−1 declares N pixels row by row; other headers and no header do not', () => {
    const declared = parseCsv(['pixel0,pixel1,pixel2,pixel3,label', ...rows].join('\n'), { labels: 'names' });
    expect(declared.imageShape).toEqual({ width: 2, height: 2, order: 'row-major' });
    expect(declared.pixelOrderKnown).toBe(true);
    // Kaggle's own layout: the label first
    const kaggle = parseCsv(['label,pixel0,pixel1,pixel2,pixel3', '0,1,2,3,4', '1,5,6,7,8'].join('\n'), { labelColumn: 'label' });
    expect(kaggle.pixelOrderKnown).toBe(true);
    for (const header of ['x1,x2,x3,x4,label', 'pixel1,pixel2,pixel3,pixel4,label', 'pixel0,pixel2,pixel1,pixel3,label']) {
      const ds = parseCsv([header, ...rows].join('\n'), { labels: 'names' });
      expect(ds.pixelOrderKnown, header).toBeUndefined();
    }
    // through loadDataset, a headerless square CSV gets a guessed shape (for pictures), not a declared one
    const path = join(dir(), 'dump.csv');
    writeFileSync(path, rows.join('\n'));
    const guessed = loadDataset(path, { labels: 'names' });
    expect(guessed.imageShape).toEqual({ width: 2, height: 2, order: 'row-major' });
    expect(guessed.pixelOrderKnown).toBeUndefined();
  });

  it('formatCsv writes the pixel header for square row-major pictures, which reads back declared; x1… otherwise', () => {
    const ds = makeDataset({ name: 't', X: { rows: 2, cols: 4, data: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }, y: [1, 2], labelNames: ['a', 'b'], imageShape: { width: 2, height: 2, order: 'row-major' }, pixelOrderKnown: true });
    const text = formatCsv(ds);
    expect(text.split('\n')[0]).toBe('pixel0,pixel1,pixel2,pixel3,label');
    const back = parseCsv(text, { labels: 'names' });
    expect([back.imageShape, back.pixelOrderKnown, back.checksum]).toEqual([ds.imageShape, true, ds.checksum]);
    const columnMajor = { ...ds, imageShape: { width: 2, height: 2, order: 'column-major' as const } };
    expect(formatCsv(columnMajor).split('\n')[0]).toBe('x1,x2,x3,x4,label');
  });

  it('IDX examples [m, rows, cols] declare pictures row by row; [m, n] with a square n is a guess', () => {
    const d = dir();
    const labels = writeIdx({ type: 'uint8', dims: [2], data: Uint8Array.from([1, 2]) });
    writeFileSync(join(d, 'three.idx'), writeIdx({ type: 'float64', dims: [2, 2, 2], data: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }));
    writeFileSync(join(d, 'three-labels.idx'), labels);
    writeFileSync(join(d, 'two.idx'), writeIdx({ type: 'float64', dims: [2, 4], data: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }));
    writeFileSync(join(d, 'two-labels.idx'), labels);
    const three = loadIdxDataset(join(d, 'three.idx'));
    expect([three.imageShape, three.pixelOrderKnown]).toEqual([{ width: 2, height: 2, order: 'row-major' }, true]);
    const two = loadIdxDataset(join(d, 'two.idx'));
    expect(two.imageShape).toEqual({ width: 2, height: 2, order: 'row-major' });
    expect(two.pixelOrderKnown).toBeUndefined();
  });
});
