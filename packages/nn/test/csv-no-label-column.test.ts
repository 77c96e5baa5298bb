// A CSV without a label column: `labelColumn: null`, or by default a header of exactly pixel0 … pixelN−1 (Kaggle's
// digit-recognizer test.csv, every column a pixel). Before, the last pixel was read as the label: 783 features and
// a label of 0..255. parseCsvExamples / loadExamples read such a file as examples without labels; parseCsv and
// loadDataset, which promise labels, refuse it with one typed error.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLabelled, loadDataset, loadExamples, parseCsv, parseCsvExamples, withPixelOrder } from '../src/index.js';

const KAGGLE_TEST = 'pixel0,pixel1,pixel2,pixel3\n0,1,2,3\n4,5,6,7\n';

describe('a CSV without a label column', () => {
  it('a header of exactly pixel0 … pixelN−1 is every column a pixel: examples without labels, pictures row by row', () => {
    const ex = parseCsvExamples(KAGGLE_TEST);
    expect(isLabelled(ex)).toBe(false);
    expect([ex.X.rows, ex.X.cols, Array.from(ex.X.data)]).toEqual([2, 4, [0, 1, 2, 3, 4, 5, 6, 7]]);
    expect([ex.imageShape, ex.pixelOrderKnown]).toEqual([{ width: 2, height: 2, order: 'row-major' }, true]);
    // laid out column by column like a labelled set: (r, c) = (0, 1) holds 1 and moves to index 2
    expect(Array.from(withPixelOrder(ex, 'column-major').X.data)).toEqual([0, 2, 1, 3, 4, 6, 5, 7]);
  });

  it('labelColumn null reads every column as a feature, with or without a header; one column is enough', () => {
    const ex = parseCsvExamples('1,2,3\n4,5,6\n', { labelColumn: null });
    expect([isLabelled(ex), ex.X.cols, Array.from(ex.X.data)]).toEqual([false, 3, [1, 2, 3, 4, 5, 6]]);
    expect(parseCsvExamples('x\n7\n8\n', { labelColumn: null }).X.cols).toBe(1);
  });

  it('a label column still wins: a header naming one, or an explicit labelColumn', () => {
    expect(isLabelled(parseCsvExamples('label,pixel0,pixel1,pixel2,pixel3\n1,0,1,2,3\n'))).toBe(true);
    const last = parseCsv(KAGGLE_TEST, { labelColumn: 'pixel3' });
    expect([last.X.cols, Array.from(last.y)]).toEqual([3, [3, 7]]);
    // pixel names that are not exactly 0 … N−1 are not the pixel header: the last column is the label, as before
    expect(parseCsv('pixel1,pixel2,pixel3\n1,2,3\n').X.cols).toBe(2);
  });

  it('parseCsv and loadDataset refuse it with ERR_CSV_NO_LABELS; loadExamples reads it', () => {
    expect(() => parseCsv(KAGGLE_TEST)).toThrow(expect.objectContaining({ code: 'ERR_CSV_NO_LABELS', message: expect.stringMatching(/pixel0 … pixel3/) }));
    expect(() => parseCsv('1,2\n', { labelColumn: null })).toThrow(expect.objectContaining({ code: 'ERR_CSV_NO_LABELS' }));
    const path = join(mkdtempSync(join(tmpdir(), 'bp-csv-')), 'test.csv');
    writeFileSync(path, KAGGLE_TEST);
    expect(() => loadDataset(path)).toThrow(expect.objectContaining({ code: 'ERR_CSV_NO_LABELS' }));
    const ex = loadExamples(path);
    expect([isLabelled(ex), ex.name, ex.X.rows, ex.X.cols]).toEqual([false, 'test.csv', 2, 4]);
  });
});
