// The Level 5 file loop and its compressed elements (issue 21: found by mutation testing): the header text,
// trailing padding, the subsystem element, empty miMATRIX elements, unpadded compressed elements back to back,
// several arrays in one compressed element, and every refusal's code, message and offset. The inflate-bomb and
// declared-size tests (data-mat-hostile, data-mat-declared-sizes) check bounded work; this file pins the words.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MatFileError, readMat, writeMat } from '../src/data/mat/index.js';
import { matrix } from '../src/matrix.js';
import { concat, matBuilder, mi, mx } from './mat-build.js';
import { refusal } from './mat-pins-helpers.js';

const le = matBuilder(false);
const be = matBuilder(true);

/** A 1x1 double named `name` holding `v`, as a miMATRIX element. */
const scalar = (b: typeof le, name: string, v: number): Uint8Array => {
  const d = new Uint8Array(8);
  new DataView(d.buffer).setFloat64(0, v, b === le);
  return b.matrix({ cls: mx.DOUBLE, dims: [1, 1], name }, [b.element(mi.DOUBLE, d)]);
};

const summary = (e: MatFileError): [string, string, number | undefined] => [e.code, e.message, e.offset];

describe('the Level 5 file', () => {
  it('header text without its trailing spaces and NULs; byte order from the header', () => {
    const head = le.header('MATLAB 5.0 MAT-file, x');
    head[30] = 0; // a NUL among the trailing spaces
    const bytes = concat([head, scalar(le, 'a', 1)]);
    expect(readMat(bytes).header).toBe('MATLAB 5.0 MAT-file, x');
    const big = readMat(be.file(scalar(be, 'b', -2.5)));
    expect(big.endian).toBe('BE');
    expect(Array.from(big.variables.get('b')!.data)).toEqual([-2.5]);
    expect(readMat(bytes).endian).toBe('LE');
  });

  it('up to 7 trailing zero bytes are padding; a non-zero byte there, or 8 zero bytes, is an element', () => {
    const one = le.file(scalar(le, 'a', 1));
    for (let k = 1; k < 8; k++) expect(readMat(concat([one, new Uint8Array(k)])).variables.size, `${k} zeros`).toBe(1);
    const e = refusal(concat([one, Uint8Array.of(0, 0, 1)]));
    expect(summary(e)).toEqual([
      'ERR_MAT_TRUNCATED',
      `top-level element tag needs 4 bytes but the file has 3 left (offset ${one.length})`,
      one.length,
    ]);
    expect(summary(refusal(concat([one, new Uint8Array(8)])))).toEqual([
      'ERR_MAT_CORRUPT',
      `top-level element has type 0; expected miMATRIX (14) or miCOMPRESSED (15) (offset ${one.length})`,
      one.length,
    ]);
  });

  it('an unknown top-level element type is named with its offset', () => {
    const first = scalar(le, 'a', 1);
    expect(summary(refusal(le.file(first, le.element(mi.DOUBLE, new Uint8Array(8)))))).toEqual([
      'ERR_MAT_CORRUPT',
      `top-level element has type 9; expected miMATRIX (14) or miCOMPRESSED (15) (offset ${128 + first.length})`,
      128 + first.length,
    ]);
  });

  it('the element at the subsystem offset is skipped as subsystem data, whatever its type', () => {
    const a = scalar(le, 'a', 1);
    const bytes = le.file(a, le.element(mi.DOUBLE, new Uint8Array(8)), scalar(le, 'c', 3));
    new DataView(bytes.buffer).setBigUint64(116, BigInt(128 + a.length), true);
    const mat = readMat(bytes);
    expect([...mat.variables.keys()]).toEqual(['a', 'c']);
    expect(mat.skipped).toEqual([{ name: '', class: 'subsystem', reason: 'MATLAB subsystem data (function workspace)' }]);
  });

  it('an empty miMATRIX element is no variable; the next element still reads', () => {
    const mat = readMat(le.file(le.element(mi.MATRIX, new Uint8Array(0)), scalar(le, 'b', 2)));
    expect([...mat.variables.keys()]).toEqual(['b']);
    expect(mat.skipped).toEqual([]);
  });

  it('uncompressed elements end on 8-byte boundaries', () => {
    // a name of 3 bytes pads its element; the next variable starts after the padding
    const mat = readMat(le.file(scalar(le, 'abc', 1), scalar(le, 'defgh', 2)));
    expect([...mat.variables.keys()]).toEqual(['abc', 'defgh']);
  });
});

describe('compressed elements', () => {
  it('are not padded: two of odd length back to back both read', () => {
    const z1 = deflateSync(scalar(le, 'a', 1));
    const z2 = deflateSync(scalar(le, 'b', 2));
    expect(z1.length % 8).not.toBe(0);
    const mat = readMat(le.file(le.compressed(z1), le.compressed(z2)));
    expect([...mat.variables.keys()]).toEqual(['a', 'b']);
    expect(mat.variables.get('b')!.data[0]).toBe(2);
  });

  it('big-endian compressed content', () => {
    const z = deflateSync(scalar(be, 'x', 7));
    expect(readMat(be.file(be.compressed(z))).variables.get('x')!.data[0]).toBe(7);
    expect(readMat(writeMat({ y: matrix(1, 2, [3, 4]) }, { compress: true })).variables.get('y')!.dims).toEqual([1, 2]);
  });

  it('a first element that is not a miMATRIX is refused before inflating the rest; a later one after', () => {
    const notMatrix = deflateSync(le.element(mi.DOUBLE, new Uint8Array(8)));
    expect(summary(refusal(le.file(le.compressed(notMatrix))))).toEqual([
      'ERR_MAT_CORRUPT',
      'compressed element holds type 9; expected miMATRIX (14) (offset 128)',
      128,
    ]);
    // a small-format first element: its type is the low half of the word
    const small = deflateSync(concat([le.small(mi.INT8, Uint8Array.of(1)), new Uint8Array(8)]));
    expect(refusal(le.file(le.compressed(small))).message).toBe('compressed element holds type 1; expected miMATRIX (14) (offset 128)');
  });

  it('not a zlib stream', () => {
    const e = refusal(le.file(le.compressed(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9))));
    expect(e.code).toBe('ERR_MAT_CORRUPT');
    expect(e.message).toMatch(/^compressed element is not a valid zlib stream: \S.* \(offset 128\)$/);
    expect(e.offset).toBe(128);
  });

  it('content longer than its miMATRIX tag declares (zeros, or a second array) is corrupt', () => {
    const a = scalar(le, 'a', 1);
    for (const after of [new Uint8Array(64), scalar(le, 'b', 2)]) {
      const z = deflateSync(concat([a, after]));
      expect(summary(refusal(le.file(le.compressed(z))))).toEqual([
        'ERR_MAT_CORRUPT',
        `compressed element inflates to more than the ${a.length} bytes its miMATRIX tag declares (offset 128)`,
        128,
      ]);
    }
  });

  it('a declared size beyond what is left of maxBytes is refused before inflating, with the numbers', () => {
    const big = le.matrix({ cls: mx.DOUBLE, dims: [1, 100], name: 'v' }, [le.element(mi.DOUBLE, new Uint8Array(800))]);
    const bytes = le.file(le.compressed(deflateSync(big)));
    const mat = readMat(bytes);
    expect(mat.variables.get('v')!.data.length).toBe(100);
    const e = refusal(bytes, 1000);
    expect(e.code).toBe('ERR_MAT_TOO_LARGE');
    expect(e.message).toMatch(
      new RegExp(`^compressed element of ${big.length} bytes \\(inflated\\) declares arrays of (\\d+) bytes more: (\\d+) in all, beyond the 1000 left of maxBytes = 1000 \\(offset 128\\)$`),
    );
    expect(e.offset).toBe(128);
  });

  it('no room left to inflate: a stream too short to declare a size, after the first element used the budget up', () => {
    const z = deflateSync(scalar(le, 'a', 1));
    const one = le.file(le.compressed(z));
    // find the smallest maxBytes that reads one element, then give that much to a file with a second one
    let need = 1;
    for (let step = 1 << 20; step >= 1; step >>= 1) {
      try {
        readMat(one, { maxBytes: need + step - 1 });
      } catch {
        need += step;
      }
    }
    expect(readMat(one, { maxBytes: need }).variables.size).toBe(1);
    expect(() => readMat(one, { maxBytes: need - 1 })).toThrow(MatFileError);
    const tiny = deflateSync(Uint8Array.of(14, 0, 0, 0));
    const e = refusal(le.file(le.compressed(z), le.compressed(tiny)), need);
    expect(summary(e)).toEqual([
      'ERR_MAT_TOO_LARGE',
      `no room left under maxBytes = ${need} to inflate (offset ${128 + 8 + z.length})`,
      128 + 8 + z.length,
    ]);
  });
});

describe('sizes in messages', () => {
  it('dimensions whose product is beyond a double are written as exact digits, not 4.6e+18', () => {
    const dims = [2 ** 31 - 1, 2 ** 31 - 1, 3];
    const bytes = le.file(le.matrix({ cls: mx.DOUBLE, dims, name: 'v' }, [le.element(mi.DOUBLE, new Uint8Array(8))]));
    const e = refusal(bytes);
    expect(e.code).toBe('ERR_MAT_CORRUPT');
    const exact = (2n ** 31n - 1n) * (2n ** 31n - 1n) * 3n;
    expect(e.message).toMatch(new RegExp(`^dims ${dims.join('x')} claim ${exact} elements but the data is 8 bytes`));
  });
});
