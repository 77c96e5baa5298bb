// The label column by default: a header's column named `label` (any case) wherever it is — Kaggle's MNIST CSV puts it
// first — else the last column. Before, the last column was taken regardless, so `label,pixel0,…` trained a
// one-class network on the last pixel.
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/index.js';

describe('parseCsv: the default label column', () => {
  it('is the header column named label, first or anywhere, in any case', () => {
    const first = parseCsv('label,pixel0,pixel1\na,0.5,0\nb,0,1\n');
    expect([first.X.cols, first.labelNames, Array.from(first.X.data)]).toEqual([2, ['a', 'b'], [0.5, 0, 0, 1]]);
    const middle = parseCsv('a,Label,b\n1,x,2\n3,y,4\n');
    expect([middle.labelNames, Array.from(middle.X.data)]).toEqual([['x', 'y'], [1, 2, 3, 4]]);
  });

  it('is the last column without a header, without such a column, or with two of them; an explicit labelColumn wins', () => {
    expect(parseCsv('1,2,a\n3,4,b\n').labelNames).toEqual(['a', 'b']);
    expect(parseCsv('x,y,class\n1,2,a\n3,4,b\n').labelNames).toEqual(['a', 'b']);
    expect(parseCsv('label,label,z\n1,2,a\n3,4,b\n').labelNames).toEqual(['a', 'b']);
    expect(parseCsv('label,pixel0,pixel1\n3,0.5,q\n7,0,r\n', { labelColumn: -1 }).labelNames).toEqual(['q', 'r']);
  });
});
