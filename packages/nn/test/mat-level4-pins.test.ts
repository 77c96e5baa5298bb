// The Level 4 MAT reader, matrix by matrix (issue 21: found by mutation testing): the type code's four digits
// and byte order, each precision, text, the skipped kinds, a matrix after each kind, names, and every refusal's
// code, message and offset (the first matrix's header decides whether this is a MAT-file at all: ERR_MAT_FORMAT;
// a later one's is corruption: ERR_MAT_CORRUPT). The scipy fixtures in data-mat-read check whole files.
import { describe, expect, it } from 'vitest';
import { MatFileError, readMat } from '../src/data/mat/index.js';
import { concat, doubles, refusal, v4 } from './mat-pins-helpers.js';

const summary = (e: MatFileError): [string, string, number | undefined, string | undefined] => [e.code, e.message, e.offset, e.variable];

describe('Level 4 matrices that read', () => {
  it('a little-endian double matrix: column-major on disk, row-major matrix, dims, endian', () => {
    const mat = readMat(v4(0, 2, 3, 0, 'A\0', doubles([1, 2, 3, 4, 5, 6])));
    expect(mat.format).toBe('level4');
    expect(mat.endian).toBe('LE');
    const a = mat.variables.get('A')!;
    expect(a.class).toBe('double');
    expect(a.dims).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(a.matrix).toEqual({ rows: 2, cols: 3, data: Float64Array.from([1, 3, 5, 2, 4, 6]) });
    expect(mat.skipped).toEqual([]);
  });

  it('big-endian (M = 1): type code 1000', () => {
    const mat = readMat(v4(1000, 1, 2, 0, 'B\0', doubles([1.5, -2], false), false));
    expect(mat.endian).toBe('BE');
    expect(Array.from(mat.variables.get('B')!.data)).toEqual([1.5, -2]);
  });

  it('every precision digit P, read as doubles', () => {
    const le = (bytes: number[]): number[] => bytes;
    const cases: [number, number[], number[]][] = [
      [10, le([0, 0, 0xc0, 0x3f]), [1.5]], // single
      [20, le([0xfd, 0xff, 0xff, 0xff]), [-3]], // int32
      [30, le([0xfe, 0xff]), [-2]], // int16
      [40, le([0xfe, 0xff]), [65534]], // uint16
      [50, le([0xff]), [255]], // uint8
    ];
    for (const [code, bytes, want] of cases) {
      const v = readMat(v4(code, 1, 1, 0, 'x\0', bytes)).variables.get('x')!;
      expect(v.class, `P of ${code}`).toBe('double');
      expect(Array.from(v.data), `P of ${code}`).toEqual(want);
    }
  });

  it('T = 1 is text, rows joined by newlines', () => {
    // 2x2 characters column-major: "ab" / "cd" is stored a c b d
    const v = readMat(v4(51, 2, 2, 0, 't\0', [97, 99, 98, 100])).variables.get('t')!;
    expect(v.class).toBe('char');
    expect(v.text).toBe('ab\ncd');
  });

  it('complex and sparse matrices are skipped with a reason, and the matrix after each is still read', () => {
    const complex = v4(0, 1, 1, 1, 'z\0', doubles([1, 2]));
    const sparse = v4(2, 1, 3, 0, 's\0', doubles([1, 1, 5]));
    const after = v4(0, 1, 1, 0, 'y\0', doubles([7]));
    const mat = readMat(concat(complex, sparse, after));
    expect(mat.skipped).toEqual([
      { name: 'z', class: 'double', reason: 'complex values are not supported' },
      { name: 's', class: 'sparse', reason: 'sparse arrays are not supported; save full(A) instead' },
    ]);
    expect([...mat.variables.keys()]).toEqual(['y']);
    expect(Array.from(mat.variables.get('y')!.data)).toEqual([7]);
  });

  it('names end at the first NUL; without one the whole field is the name; a 1-byte NUL name is empty', () => {
    expect([...readMat(v4(0, 1, 1, 0, 'ab\0cd\0', doubles([1]))).variables.keys()]).toEqual(['ab']);
    expect([...readMat(v4(0, 1, 1, 0, 'AB', doubles([1]))).variables.keys()]).toEqual(['AB']);
    expect([...readMat(v4(0, 1, 1, 0, '\0', doubles([1]))).variables.keys()]).toEqual(['']);
  });

  it('empty matrices', () => {
    const v = readMat(v4(0, 0, 5, 0, 'e\0', [])).variables.get('e')!;
    expect(v.dims).toEqual([0, 5]);
    expect(v.data.length).toBe(0);
  });
});

describe('Level 4 type codes', () => {
  it('not a type code at the start: not a MAT-file', () => {
    for (const code of [100, 60, 3, 1000, 5000]) {
      // little-endian bytes: 1000 has M = 1, which says big-endian; read big-endian it is > 5000
      expect(summary(refusal(v4(code, 1, 1, 0, 'x\0', doubles([1])))), `code ${code}`).toEqual([
        'ERR_MAT_FORMAT',
        'not a MAT-file: no Level 5 header and no valid Level 4 type code (offset 0)',
        0,
        undefined,
      ]);
    }
  });

  it('an invalid type code after the first matrix is corruption at its offset', () => {
    const first = v4(0, 1, 1, 0, 'a\0', doubles([1]));
    expect(summary(refusal(concat(first, v4(60, 1, 1, 0, 'b\0', doubles([2])))))).toEqual([
      'ERR_MAT_CORRUPT',
      `invalid Level 4 type code (offset ${first.length})`,
      first.length,
      undefined,
    ]);
  });

  it('the largest valid digits: P = 5, T = 2', () => {
    expect(readMat(v4(52, 1, 1, 0, 'x\0', [1])).skipped[0]).toMatchObject({ name: 'x', class: 'sparse' });
  });
});

describe('Level 4 header refusals', () => {
  it('negative sizes, imagf other than 0/1, a name length below 1: ERR_MAT_FORMAT for the first matrix', () => {
    for (const [mrows, ncols, imagf, namlen] of [
      [-3, 1, 0, 2],
      [1, -1, 0, 2],
      [1, 1, 2, 2],
      [1, 1, -1, 2],
      [1, 1, 0, 0],
    ]) {
      const head = new DataView(new ArrayBuffer(28));
      [0, mrows, ncols, imagf, namlen].forEach((v, i) => head.setInt32(4 * i, v, true));
      expect(summary(refusal(new Uint8Array(head.buffer)))).toEqual([
        'ERR_MAT_FORMAT',
        `invalid Level 4 matrix header: mrows ${mrows}, ncols ${ncols}, imagf ${imagf}, namlen ${namlen} (offset 0)`,
        0,
        undefined,
      ]);
    }
  });

  it('the same after the first matrix is ERR_MAT_CORRUPT at its offset', () => {
    const first = v4(0, 1, 1, 0, 'a\0', doubles([1]));
    const bad = v4(0, 1, 1, 2, 'b\0', doubles([2]));
    expect(summary(refusal(concat(first, bad)))).toEqual([
      'ERR_MAT_CORRUPT',
      `invalid Level 4 matrix header: mrows 1, ncols 1, imagf 2, namlen 2 (offset ${first.length})`,
      first.length,
      undefined,
    ]);
  });

  it('fewer than 4 bytes left for the next header; 4 to 19 bytes left', () => {
    const first = v4(0, 1, 1, 0, 'a\0', doubles([1]));
    expect(summary(refusal(concat(first, Uint8Array.of(0, 0, 0))))).toEqual([
      'ERR_MAT_TRUNCATED',
      `a Level 4 matrix header needs 20 bytes, 3 left (offset ${first.length})`,
      first.length,
      undefined,
    ]);
    expect(summary(refusal(concat(first, new Uint8Array(4))))).toEqual([
      'ERR_MAT_TRUNCATED',
      `Level 4 matrix header needs 20 bytes but the file has 4 left (offset ${first.length})`,
      first.length,
      undefined,
    ]);
  });

  it('a name longer than the file', () => {
    const head = new DataView(new ArrayBuffer(24));
    [0, 1, 1, 0, 9].forEach((v, i) => head.setInt32(4 * i, v, true));
    expect(summary(refusal(new Uint8Array(head.buffer)))).toEqual([
      'ERR_MAT_TRUNCATED',
      'Level 4 matrix name needs 9 bytes but the file has 4 left (offset 20)',
      20,
      undefined,
    ]);
  });
});

describe('Level 4 data refusals', () => {
  it('data one value short', () => {
    const bytes = v4(0, 2, 2, 0, 'm\0', doubles([1, 2, 3]));
    expect(summary(refusal(bytes))).toEqual([
      'ERR_MAT_TRUNCATED',
      "2x2 double matrix needs 32 bytes, the file has 24 left (variable 'm', offset 0)",
      0,
      'm',
    ]);
    expect(readMat(concat(bytes, new Uint8Array(8))).variables.get('m')!.dims).toEqual([2, 2]);
  });

  it('dims claiming more values than the file could hold, refused before reading', () => {
    expect(summary(refusal(v4(10, 100000, 100000, 0, 'h\0', new Uint8Array(16))))).toEqual([
      'ERR_MAT_TRUNCATED',
      "100000x100000 single matrix needs 40000000000 bytes, the file has 16 left (variable 'h', offset 0)",
      0,
      'h',
    ]);
    // complex: both parts count
    expect(refusal(v4(0, 1, 2, 1, 'c\0', doubles([1, 2, 3]))).message).toBe(
      "1x2 double matrix needs 32 bytes, the file has 24 left (variable 'c', offset 0)",
    );
  });

  it('maxBytes bounds what is built: the variable record, then the values (16 bytes each)', () => {
    const bytes = v4(0, 1, 4, 0, 'v\0', doubles([1, 2, 3, 4]));
    expect(readMat(bytes, { maxBytes: 1024 + 1 + 64 }).variables.get('v')!.dims).toEqual([1, 4]);
    expect(summary(refusal(bytes, 1024 + 1 + 63))).toEqual([
      'ERR_MAT_TOO_LARGE',
      "Level 4 matrix needs 64 bytes, more than the 63 left of maxBytes = 1088 (variable 'v', offset 0)",
      0,
      'v',
    ]);
    expect(refusal(bytes, 1024).message).toBe(
      "a variable needs 1025 bytes, more than the 1024 left of maxBytes = 1024 (variable 'v', offset 0)",
    );
  });
});
