// Two more Level 4 rules found by mutation testing (issue 21), beside mat-level4-pins.test.ts (a separate file so
// that Stryker's incremental run, which tracks tests per file, keeps that file's results): the file's byte order
// is the first matrix's, and a text matrix is charged what its characters and text cost, not 16 bytes a value.
import { describe, expect, it } from 'vitest';
import { readMat } from '../src/data/mat/index.js';
import { concat, doubles, refusal, v4 } from './mat-pins-helpers.js';

describe('Level 4 files', () => {
  it('matrices may each have their own byte order; the file\'s is the first one\'s', () => {
    const a = v4(0, 1, 1, 0, 'a\0', doubles([1]));
    const b = v4(1000, 1, 2, 0, 'b\0', doubles([2, 3], false), false);
    const ab = readMat(concat(a, b));
    expect(ab.endian).toBe('LE');
    expect(Array.from(ab.variables.get('b')!.data)).toEqual([2, 3]);
    const ba = readMat(concat(b, a));
    expect(ba.endian).toBe('BE');
    expect(Array.from(ba.variables.get('a')!.data)).toEqual([1]);
  });

  it('a 1x4 text matrix costs 8 bytes a character plus 4 a text unit (48), beside its 1025-byte record', () => {
    const text = v4(51, 1, 4, 0, 't\0', [104, 105, 33, 63]);
    expect(readMat(text, { maxBytes: 1025 + 48 }).variables.get('t')!.text).toBe('hi!?');
    expect(refusal(text, 1025 + 47).message).toBe(
      "char array needs 48 bytes, more than the 47 left of maxBytes = 1072 (variable 't', offset 0)",
    );
  });
});
