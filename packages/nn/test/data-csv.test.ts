// CSV import: numbers in the text are the reference (Number parsing is correctly rounded); errors carry 1-based
// row (= the file's line) and column numbers.
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/data/csv.js';
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

describe('parseCsv', () => {
  it('features then label (last column by default), no header', () => {
    const ds = parseCsv('0.5,-1e-3,1\n2,3.25,2\n.5,+7,3\n');
    expect(toRows(ds.X)).toEqual([
      [0.5, -0.001],
      [2, 3.25],
      [0.5, 7],
    ]);
    expect(Array.from(ds.y)).toEqual([1, 2, 3]);
    expect(ds.K).toBe(3);
    expect(ds.labelNames).toEqual(['1', '2', '3']);
    expect(ds.name).toBe('csv');
    expect(ds.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('detects a header, and finds the label column by name', () => {
    const ds = parseCsv('label,x1,x2\n2,1,0\n1,0,1\n', { labelColumn: 'label', name: 'tiny' });
    expect(toRows(ds.X)).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(Array.from(ds.y)).toEqual([2, 1]);
    expect(ds.name).toBe('tiny');
  });

  it('handles CRLF, blank lines, quotes, spaces, semicolons and tabs', () => {
    const expected = [
      [1, 2],
      [4, 5],
    ];
    for (const text of ['1,2,1\r\n\r\n4,5,2\r\n', ' "1" , 2 ,1\n4,"5",2', '1;2;1\n4;5;2\n', '1\t2\t1\n4\t5\t2\n']) {
      const ds = parseCsv(text);
      expect(toRows(ds.X), JSON.stringify(text)).toEqual(expected);
      expect(Array.from(ds.y)).toEqual([1, 2]);
    }
  });

  it('MNIST-style CSV: label first, digits 0..9 mapped the course way (0 → 10)', () => {
    const ds = parseCsv('5,0,255\n0,12,3\n9,1,1\n', { labelColumn: 0, labels: 'digits' });
    expect(Array.from(ds.y)).toEqual([5, 10, 9]);
    expect(ds.K).toBe(10);
    expect(ds.labelNames[9]).toBe('0');
    expect(toRows(ds.X)).toEqual([
      [0, 255],
      [12, 3],
      [1, 1],
    ]);
  });

  it('zero-based labels become 1..K with names 0..K-1', () => {
    const ds = parseCsv('1,0\n2,2\n3,1\n', { labels: 'zero-based' });
    expect(Array.from(ds.y)).toEqual([1, 3, 2]);
    expect(ds.labelNames).toEqual(['0', '1', '2']);
  });

  it('a non-numeric cell names its line and column (blank lines and the header count)', () => {
    const err = formatError(() => parseCsv('a,b,c\n1,2,1\n\n3,x,2\n'));
    expect(err.code).toBe('ERR_CSV_PARSE');
    expect([err.line, err.column]).toEqual([4, 2]);
    expect(err.message).toMatch(/row 4, column 2: expected a number, got "x"/);
    expect(formatError(() => parseCsv('1,2,1\n3,,2\n')).column).toBe(2);
    expect(formatError(() => parseCsv('1,NaN,1\n', { header: false })).code).toBe('ERR_CSV_PARSE');
    expect(formatError(() => parseCsv('1,Infinity,1\n', { header: false })).code).toBe('ERR_CSV_PARSE');
  });

  it('ragged rows name the line and the expected width', () => {
    const err = formatError(() => parseCsv('1,2,1\n3,4,2\n5,6\n'));
    expect(err.code).toBe('ERR_CSV_RAGGED');
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/row 3: expected 3 columns \(as on row 1\), got 2/);
  });

  it('invalid labels are refused with the expected form', () => {
    const zero = formatError(() => parseCsv('1,0\n', { labels: 'one-based' }));
    expect(zero.code).toBe('ERR_CSV_LABEL');
    expect(zero.message).toMatch(/1\.\.K/);
    expect(formatError(() => parseCsv('1,1.5\n', { labels: 'one-based' })).code).toBe('ERR_CSV_LABEL');
    expect(formatError(() => parseCsv('1,11\n', { labels: 'digits' })).code).toBe('ERR_CSV_LABEL');
    expect(formatError(() => parseCsv('1,-1\n', { labels: 'zero-based' })).code).toBe('ERR_CSV_LABEL');
  });

  it('empty input, header only, or a single column', () => {
    expect(formatError(() => parseCsv('')).code).toBe('ERR_CSV_EMPTY');
    expect(formatError(() => parseCsv('\n \n')).code).toBe('ERR_CSV_EMPTY');
    expect(formatError(() => parseCsv('x,label\n')).code).toBe('ERR_CSV_EMPTY');
    expect(formatError(() => parseCsv('1\n2\n')).code).toBe('ERR_CSV_PARSE');
  });

  it('bad options are InvalidArgumentErrors naming the option', () => {
    expect(() => parseCsv('a,b\n1,1\n', { labelColumn: 'nope' })).toThrow(InvalidArgumentError);
    expect(() => parseCsv('1,1\n', { labelColumn: 5 })).toThrow(/options\.labelColumn/);
    expect(() => parseCsv('1,1\n', { labels: 'weird' as 'digits' })).toThrow(/options\.labels/);
    expect(() => parseCsv(42 as unknown as string)).toThrow(InvalidArgumentError);
  });
});
