// Any CSV a user has: the label column anywhere (by position or header name), integer labels from 0 or 1, class
// names as text; a header only when the whole first row is names (or forced); every other bad field an error that
// names its row and column; binary input refused in one short line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv, readCsvFile } from '../src/data/csv.js';
import { loadDataset } from '../src/data/datasets.js';
import { DataFormatError } from '../src/data/errors.js';
import { InvalidArgumentError } from '../src/errors.js';
import { toRows } from '../src/matrix.js';

function formatError(fn: () => unknown): DataFormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataFormatError);
    return e as DataFormatError;
  }
  throw new Error('expected a DataFormatError');
}

/** Kaggle's MNIST CSV layout: a header `label,pixel0,…`, the label (0..9) first. */
function kaggle(rows: number[][]): string {
  const n = rows[0].length - 1;
  return ['label', ...Array.from({ length: n }, (_, j) => `pixel${j}`)].join(',') + '\n' + rows.map((r) => r.join(',')).join('\n') + '\n';
}

describe('labels: any column, from 0 or 1, or class names', () => {
  it('label first by header name (Kaggle MNIST): 0-based integers, the header detected', () => {
    const ds = parseCsv(kaggle([[5, 0, 255], [0, 12, 3], [9, 1, 1]]), { labelColumn: 'label' });
    expect(toRows(ds.X)).toEqual([[0, 255], [12, 3], [1, 1]]);
    expect(ds.K).toBe(10);
    expect(ds.labelNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    // a label's name is the class as written
    expect(Array.from(ds.y, (k) => ds.labelNames[k - 1])).toEqual(['5', '0', '9']);
  });

  it('label first by position, no header; 1-based integers keep their values', () => {
    const ds = parseCsv('2,0.5,1\n1,1,0\n3,0,0\n', { labelColumn: 0 });
    expect(toRows(ds.X)).toEqual([[0.5, 1], [1, 0], [0, 0]]);
    expect(Array.from(ds.y)).toEqual([2, 1, 3]);
    expect(ds.labelNames).toEqual(['1', '2', '3']);
  });

  it('the digits convention stays available: 0..9 → labels 1..10 with 10 for the digit 0', () => {
    const ds = parseCsv(kaggle([[0, 1, 1], [3, 2, 2]]), { labelColumn: 0, labels: 'digits' });
    expect(Array.from(ds.y)).toEqual([10, 3]);
    expect(ds.labelNames[9]).toBe('0');
  });

  it('string class names (quoted or not, with the delimiter inside quotes) become sorted classes', () => {
    const text = '5.1,3.5,Iris-setosa\n7.0,3.2,"Iris-versicolor"\n6.3,3.3,Iris-virginica\n4.9,3.0,Iris-setosa\n"1.5",2,"New York, NY"\n';
    const ds = parseCsv(text);
    expect(ds.labelNames).toEqual(['Iris-setosa', 'Iris-versicolor', 'Iris-virginica', 'New York, NY']);
    expect(Array.from(ds.y)).toEqual([1, 2, 3, 1, 4]);
    expect(toRows(ds.X)[4]).toEqual([1.5, 2]);
  });

  it('given classes (a model’s), each label is looked up by name; an unknown one names its row and column', () => {
    const classes = ['cat', 'dog', 'bird'];
    const ds = parseCsv('1,2,dog\n3,4,bird\n', { labelNames: classes });
    expect(Array.from(ds.y)).toEqual([2, 3]);
    expect(ds.K).toBe(3);
    const digits = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];
    expect(Array.from(parseCsv('1,1,0\n1,1,07\n', { labelNames: digits }).y)).toEqual([10, 7]);
    const err = formatError(() => parseCsv('1,2,dog\n3,4,cow\n', { labelNames: classes }));
    expect(err.code).toBe('ERR_CSV_LABEL');
    expect([err.line, err.column]).toEqual([2, 3]);
    expect(err.message).toMatch(/row 2, column 3: label "cow" is not one of the 3 classes/);
  });

  it('negative integers are class names, not counts', () => {
    const ds = parseCsv('1,-1\n2,1\n3,-1\n');
    expect(ds.labelNames).toEqual(['-1', '1']);
    expect(Array.from(ds.y)).toEqual([1, 2, 1]);
  });

  it('an empty label is an error naming its row and column', () => {
    const err = formatError(() => parseCsv('1,2,a\n3,4,\n'));
    expect([err.code, err.line, err.column]).toEqual(['ERR_CSV_LABEL', 2, 3]);
  });

  it('a numeric rule that does not fit says which rules exist (no option the caller lacks)', () => {
    const err = formatError(() => parseCsv('1,0\n2,1\n', { labels: 'one-based' }));
    expect(err.message).toMatch(/row 1, column 2: label "0" is not valid; expected integers 1\.\.K/);
    expect(err.message).toMatch(/"zero-based"/);
    expect(() => parseCsv('1,1\n', { labels: 'zero based' as 'names' })).toThrow(InvalidArgumentError);
  });
});

describe('header: only a first row of names, or forced', () => {
  it('label,pixel0,… is a header', () => {
    const ds = parseCsv('label,pixel0,pixel1\n1,0,0\n2,1,1\n', { labelColumn: 'label' });
    expect(ds.X.rows).toBe(2);
  });

  it('label,1,2 in auto mode is an error naming row 1 and suggesting --header; header: true reads it', () => {
    const text = 'label,1,2\n1,0.5,0.5\n2,1,0\n';
    const err = formatError(() => parseCsv(text, { labelColumn: 0 }));
    expect(err.code).toBe('ERR_CSV_PARSE');
    expect(err.line).toBe(1);
    expect(err.message).toMatch(/^row 1, column 1: .*--header/);
    // with the label last, "label" is a feature cell: the same row, the same advice
    const last = formatError(() => parseCsv('label,1,2\n0.5,0.5,1\n'));
    expect([last.line, last.column]).toEqual([1, 1]);
    expect(last.message).toMatch(/--header/);
    const ds = parseCsv(text, { header: true, labelColumn: 'label' });
    expect(toRows(ds.X)).toEqual([[0.5, 0.5], [1, 0]]);
    expect(Array.from(ds.y)).toEqual([1, 2]);
    // and a name that needs the header says so when the header was not detected
    expect(() => parseCsv(text, { labelColumn: 'label' })).toThrow(/no header .*--header/);
  });

  it('header: false reads an all-names first row as data (and fails on it, naming row 1)', () => {
    const err = formatError(() => parseCsv('a,b,c\n1,2,1\n', { header: false }));
    expect([err.line, err.column]).toEqual([1, 1]);
  });

  it('a first row with an empty field is an error, not a silently dropped header', () => {
    const text = '1,,3,1\n' + '4,5,6,2\n'.repeat(3);
    const err = formatError(() => parseCsv(text));
    expect(err.code).toBe('ERR_CSV_PARSE');
    expect([err.line, err.column]).toEqual([1, 2]);
    expect(err.message).toMatch(/^row 1, column 2: expected a number, got an empty field/);
  });

  it('a first row with one non-numeric field is an error, not a silently dropped header', () => {
    const err = formatError(() => parseCsv('1,x,3,1\n4,5,6,2\n'));
    expect([err.line, err.column]).toEqual([1, 2]);
  });

  it('a bad field in row 500 names row 500 and its column', () => {
    const rows = Array.from({ length: 600 }, (_, i) => `${i},${i / 2},0.25,1,0,${i % 3},1,${(i % 4) + 1}`);
    rows[499] = rows[499].split(',').map((c, j) => (j === 6 ? 'abc' : c)).join(',');
    const err = formatError(() => parseCsv(rows.join('\n')));
    expect([err.code, err.line, err.column]).toEqual(['ERR_CSV_PARSE', 500, 7]);
    expect(err.message).toBe('row 500, column 7: expected a number, got "abc"');
  });

  it('options.header is checked', () => {
    expect(() => parseCsv('1,1\n', { header: 'yes' as 'auto' })).toThrow(InvalidArgumentError);
  });
});

describe('not text: binary input is one short line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bp-csv-'));

  it('a NUL byte names its offset (file and string)', () => {
    const bytes = Buffer.alloc(600_000, 0x41);
    bytes[1234] = 0;
    const path = join(dir, 'binary.csv');
    writeFileSync(path, bytes);
    const err = formatError(() => readCsvFile(path));
    expect(err.code).toBe('ERR_CSV_BINARY');
    expect(err.offset).toBe(1234);
    expect(err.message).toBe(`${path}: not a text CSV: NUL byte at offset 1234`);
    const viaLoad = formatError(() => loadDataset(path));
    expect(viaLoad.code).toBe('ERR_CSV_BINARY');
    expect(formatError(() => parseCsv('1,2\n3,\u00004\n')).offset).toBe(6);
  });

  it('a huge bad cell is quoted short', () => {
    const err = formatError(() => parseCsv(`1,${'z'.repeat(100_000)},1\n`));
    expect(err.message.length).toBeLessThan(200);
  });

  it('a square number of CSV features is taken as row-major pictures', () => {
    const path = join(dir, 'four.csv');
    writeFileSync(path, '0,1,0,1,2\n1,0,1,0,1\n');
    expect(loadDataset(path).imageShape).toEqual({ width: 2, height: 2, order: 'row-major' });
  });
});

describe('labels against given classes (a model’s)', () => {
  const digits = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];
  it('the course’s 1..10 still read against a digits model (10 is the digit 0)', () => {
    expect(Array.from(parseCsv('1,1,10\n1,1,3\n', { labelNames: digits }).y)).toEqual([10, 3]);
  });
  it('but not under labels: names, and not when a value is outside 1..K', () => {
    expect(formatError(() => parseCsv('1,1,10\n', { labelNames: digits, labels: 'names' })).code).toBe('ERR_CSV_LABEL');
    expect(formatError(() => parseCsv('1,1,11\n1,1,0\n', { labelNames: digits })).line).toBe(1);
  });
});
