// MAT-file writer: what writeMat produces must load in scipy.io.loadmat with the same doubles (bit for bit) and
// the same shapes, compressed or not, and read back through our own reader.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../src/errors.js';
import { readMat, readMatFile, writeMat, writeMatFile } from '../src/data/mat/index.js';
import { type Matrix, matrix } from '../src/matrix.js';
import { Rng } from '../src/random.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-mat-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hexOf(data: Float64Array): string {
  const b = Buffer.alloc(data.length * 8);
  data.forEach((x, i) => b.writeDoubleLE(x, i * 8));
  return b.toString('hex');
}

function sampleVars(): Record<string, Matrix> {
  const rng = new Rng(42);
  const big = matrix(37, 53);
  for (let i = 0; i < big.data.length; i++) big.data[i] = rng.normal() * 10 ** rng.int(12) * (rng.next() < 0.5 ? -1 : 1);
  return {
    Theta1: big,
    A: matrix(2, 3, [1, 2, 3, 4, 5, 6]),
    specials: matrix(1, 7, [NaN, Infinity, -Infinity, -0, 5e-324, Number.MAX_VALUE, -1.5]),
    col: matrix(4, 1, [0.1, 0.2, 0.3, 0.4]),
    s: matrix(1, 1, [Math.PI]),
    empty: matrix(0, 3),
    a_rather_long_variable_name_with_digits_123: matrix(1, 2, [7, 8]),
  };
}

const hasScipy = spawnSync('python3', ['-c', 'import scipy.io, numpy'], { encoding: 'utf8' }).status === 0;
if (!hasScipy) console.warn('[data-mat-write] python3 with scipy not found: skipping the scipy.io.loadmat round trip');

const LOADMAT = `
import json, sys
import numpy as np, scipy.io as sio
d = sio.loadmat(sys.argv[1])
who = {n: c for n, _s, c in sio.whosmat(sys.argv[1])}
out = {k: {'class': who[k], 'dtype': str(v.dtype), 'shape': list(v.shape),
           'hex': np.ascontiguousarray(v, dtype='<f8').tobytes().hex()}
       for k, v in d.items() if not k.startswith('__')}
print(json.dumps(out))
`;

describe('writeMat', () => {
  for (const compress of [false, true]) {
    const label = compress ? 'compressed' : 'uncompressed';

    it(`${label}: reads back bit-exact through readMat`, () => {
      const vars = sampleVars();
      const mat = readMat(writeMat(vars, { compress }));
      expect(mat.format).toBe('level5');
      expect([...mat.variables.keys()]).toEqual(Object.keys(vars));
      for (const [name, m] of Object.entries(vars)) {
        const v = mat.variables.get(name)!;
        expect(v.class).toBe('double');
        expect(v.dims).toEqual([m.rows, m.cols]);
        expect(hexOf(v.matrix!.data)).toBe(hexOf(m.data));
      }
    });

    it.skipIf(!hasScipy)(`${label}: scipy.io.loadmat reads the same doubles and shapes`, () => {
      const vars = sampleVars();
      const path = join(dir, `roundtrip-${label}.mat`);
      writeMatFile(path, vars, { compress });
      const run = spawnSync('python3', ['-c', LOADMAT, path], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      const got = JSON.parse(run.stdout) as Record<string, { class: string; dtype: string; shape: number[]; hex: string }>;
      expect(Object.keys(got).sort()).toEqual(Object.keys(vars).sort());
      for (const [name, m] of Object.entries(vars)) {
        expect(got[name].class, name).toBe('double');
        expect(got[name].dtype, name).toBe('float64');
        expect(got[name].shape, name).toEqual([m.rows, m.cols]);
        expect(got[name].hex, name).toBe(hexOf(m.data)); // numpy's row-major bytes = our row-major data
      }
    });
  }

  it('accepts a Map, compresses to fewer bytes for redundant data, and writes a MATLAB 5.0 header', () => {
    const zeros = matrix(100, 100);
    const plain = writeMat(new Map([['Z', zeros]]));
    const packed = writeMat(new Map([['Z', zeros]]), { compress: true });
    expect(packed.length).toBeLessThan(plain.length / 10);
    const text = Buffer.from(plain.subarray(0, 116)).toString('latin1');
    expect(text).toMatch(/^MATLAB 5\.0 MAT-file/);
    expect(Buffer.from(plain.subarray(126, 128)).toString('latin1')).toBe('IM');
    expect(readMat(packed).variables.get('Z')!.matrix).toEqual(zeros);
  });

  it('uses a custom header text', () => {
    const bytes = writeMat({ x: matrix(1, 1, [1]) }, { header: 'MATLAB 5.0 MAT-file, written by a test' });
    expect(readMat(bytes).header).toBe('MATLAB 5.0 MAT-file, written by a test');
  });

  it('writeMatFile / readMatFile round trip on disk', () => {
    const path = join(dir, 'file.mat');
    writeMatFile(path, { Theta2: matrix(2, 2, [1, -2, 3, -4]) }, { compress: true });
    expect(readMatFile(path).variables.get('Theta2')!.matrix).toEqual(matrix(2, 2, [1, -2, 3, -4]));
  });

  it('rejects names that are not MATLAB identifiers', () => {
    for (const name of ['', '1abc', 'a-b', 'ä', 'x'.repeat(64)]) {
      expect(() => writeMat({ [name]: matrix(1, 1) }), name).toThrow(InvalidArgumentError);
    }
  });

  it('rejects malformed matrices and headers, naming the variable', () => {
    const wrongLength = { rows: 2, cols: 2, data: new Float64Array(3) };
    expect(() => writeMat({ W: wrongLength })).toThrow(ShapeError);
    expect(() => writeMat({ W: wrongLength })).toThrow(/vars\.W.*2x2.*4 values, got 3/);
    const notFloat = { rows: 1, cols: 2, data: [1, 2] } as unknown as Matrix;
    expect(() => writeMat({ W: notFloat })).toThrow(InvalidArgumentError);
    const badDims = { rows: -1, cols: 2, data: new Float64Array(0) };
    expect(() => writeMat({ W: badDims })).toThrow(ShapeError);
    expect(() => writeMat({ W: matrix(1, 1) }, { header: 'x'.repeat(117) })).toThrow(/options\.header/);
    expect(() => writeMat(null as unknown as Record<string, Matrix>)).toThrow(InvalidArgumentError);
  });
});
