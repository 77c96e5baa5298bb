/**
 * A CSV that formatCsv writes must read back with parseCsv. parseCsv refuses an empty label (DataFormatError
 * ERR_CSV_LABEL: an empty cell is a missing label), and reads a file line by line (a quoted cell cannot span
 * lines), so formatCsv refuses, up front and with the same error class and code, a class name that is empty or
 * holds a line break, instead of writing a file that cannot be read. Every other name reads back as it was.
 */
import { describe, expect, it } from 'vitest';
import { formatCsv, parseCsv } from '../src/data/csv.js';
import { DataFormatError } from '../src/data/errors.js';

const ds = (labelNames: string[]) => ({
  X: { rows: labelNames.length, cols: 1, data: Float64Array.from(labelNames, (_, i) => i) },
  y: Int32Array.from(labelNames, (_, i) => i + 1),
  labelNames,
});

function failure(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('formatCsv writes only what parseCsv reads back', () => {
  it('an empty class name is refused up front, with the reader’s error class and code, naming the class', () => {
    const e = failure(() => formatCsv(ds(['a', '', 'c'])));
    expect(e).toBeInstanceOf(DataFormatError);
    expect(e).toMatchObject({ code: 'ERR_CSV_LABEL' });
    expect((e as Error).message).toMatch(/class 2\b.*empty/);
    // the reader's refusal of such a file, which is what the writer used to produce
    const read = failure(() => parseCsv('x1,label\n0,a\n1,""\n2,c\n', { labels: 'names', header: true }));
    expect(read).toBeInstanceOf(DataFormatError);
    expect(read).toMatchObject({ code: 'ERR_CSV_LABEL' });
  });

  it('a class name with a line break is refused too (a row is one line)', () => {
    for (const name of ['a\nb', 'a\r\nb', 'a\n']) {
      const e = failure(() => formatCsv(ds(['x', name])));
      expect(e).toBeInstanceOf(DataFormatError);
      expect(e).toMatchObject({ code: 'ERR_CSV_LABEL' });
      expect((e as Error).message).toMatch(/class 2\b.*line break/);
    }
  });

  it('every other name reads back as it was: quotes, delimiters, edge spaces, a carriage return, numbers', () => {
    const names = ['a b', ' a', 'say "hi"', 'x,y', 'p;q', 't\tu', 'r\rs', '7', '-'];
    const back = parseCsv(formatCsv(ds(names)), { labels: 'names', header: true });
    expect(Array.from(back.y, (k) => back.labelNames[k - 1])).toEqual(names);
    expect(Array.from(back.X.data)).toEqual(names.map((_, i) => i));
  });
});
