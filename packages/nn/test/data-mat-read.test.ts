// MAT-file reader against scipy: the shared samples (expected.json from scipy.io.loadmat), fixtures generated and
// described by scripts/ref/data_mat_fixtures.py (every class and storage type, big-endian copies, skipped kinds)
// and the genuine ex4weights.mat compared bit for bit with scripts/ref/data_ex4weights.py's dump.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MatFileError, readMat, readMatFile } from '../src/data/mat/index.js';
import { fromColumnMajor, toRows } from '../src/matrix.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const MAT = join(FIX, 'mat');
const GEN = join(MAT, 'generated');

/** numpy dtype names in the shared expected.json → MATLAB classes; scipy hands logical arrays back as uint8. */
const dtypeOf: Record<string, string> = {
  double: 'float64',
  single: 'float32',
  logical: 'uint8',
  uint8: 'uint8',
  int8: 'int8',
  int16: 'int16',
  uint16: 'uint16',
  int32: 'int32',
  uint32: 'uint32',
  int64: 'int64',
  uint64: 'uint64',
};

type SharedExpected = Record<
  string,
  Record<string, { class: string; shape?: number[]; rows?: number[][]; value?: string }>
>;
type GeneratedExpected = Record<
  string,
  {
    variables: Record<string, { class: string; dims?: number[]; values_colmajor?: number[]; text?: string }>;
    skipped: Record<string, string>;
  }
>;

const shared = JSON.parse(readFileSync(join(MAT, 'expected.json'), 'utf8')) as SharedExpected;
const generated = JSON.parse(readFileSync(join(GEN, 'expected.json'), 'utf8')) as GeneratedExpected;

describe('shared samples match scipy (expected.json)', () => {
  for (const [file, vars] of Object.entries(shared)) {
    it(file, () => {
      const mat = readMatFile(join(MAT, file));
      expect([...mat.variables.keys()].sort()).toEqual(Object.keys(vars).sort());
      for (const [name, want] of Object.entries(vars)) {
        const v = mat.variables.get(name)!;
        if (want.class === 'char') {
          expect(v.class).toBe('char');
          expect(v.text).toBe(want.value);
          continue;
        }
        expect(dtypeOf[v.class]).toBe(want.class);
        expect(v.dims).toEqual(want.shape);
        expect(toRows(v.matrix!)).toEqual(want.rows);
      }
      expect(mat.skipped).toEqual([]);
    });
  }

  it('the Level 4 sample is detected as Level 4, the others as Level 5 little-endian', () => {
    expect(readMatFile(join(MAT, 'v4_double.mat')).format).toBe('level4');
    const v5 = readMatFile(join(MAT, 'mixed_uncompressed.mat'));
    expect(v5.format).toBe('level5');
    expect(v5.endian).toBe('LE');
    expect(v5.header).toMatch(/^MATLAB 5\.0 MAT-file/);
  });

  it('v73_header_only.mat is refused with advice to re-save as -v7', () => {
    const bytes = readFileSync(join(MAT, 'v73_header_only.mat'));
    let err: unknown;
    try {
      readMat(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MatFileError);
    expect((err as MatFileError).code).toBe('ERR_MAT_V73');
    expect((err as MatFileError).message).toMatch(/-v7/);
    expect((err as MatFileError).message).toMatch(/scipy\.io\.savemat/);
  });

  it('an HDF5 signature at offset 512 alone is recognised as v7.3', () => {
    const bytes = new Uint8Array(readFileSync(join(MAT, 'v73_header_only.mat')));
    bytes.fill(0x20, 0, 116); // blank the descriptive text: only the signature is left to go by
    bytes[124] = 0;
    bytes[125] = 0;
    expect(() => readMat(bytes)).toThrow(expect.objectContaining({ code: 'ERR_MAT_V73' }));
  });
});

describe('generated fixtures match scipy (every class, storage type, byte order, skipped kind)', () => {
  for (const [file, want] of Object.entries(generated)) {
    it(file, () => {
      const mat = readMatFile(join(GEN, file));
      expect(mat.endian).toBe(file.endsWith('_be.mat') ? 'BE' : 'LE');
      expect([...mat.variables.keys()].sort()).toEqual(Object.keys(want.variables).sort());
      for (const [name, w] of Object.entries(want.variables)) {
        const v = mat.variables.get(name)!;
        expect(v.class, name).toBe(w.class);
        if (w.class === 'char') {
          expect(v.text, name).toBe(w.text);
          continue;
        }
        expect(v.dims, name).toEqual(w.dims);
        expect(Array.from(v.data), name).toEqual(w.values_colmajor);
        if (v.dims.length === 2) {
          expect(v.matrix, name).toEqual(fromColumnMajor(v.dims[0], v.dims[1], w.values_colmajor!));
        } else {
          expect(v.matrix, name).toBeUndefined();
        }
      }
      const skipped = Object.fromEntries(mat.skipped.map((s) => [s.name, s]));
      expect(Object.keys(skipped).sort()).toEqual(Object.keys(want.skipped).sort());
      for (const [name, cls] of Object.entries(want.skipped)) {
        if (cls === 'complex') expect(skipped[name].reason).toMatch(/complex/);
        else expect(skipped[name].class).toBe(cls);
        expect(skipped[name].reason.length).toBeGreaterThan(10);
      }
    });
  }

  it('N-D arrays keep column-major data with their dims (D3 is 2x3x4)', () => {
    const d3 = readMatFile(join(GEN, 'scipy_mixed.mat')).variables.get('D3')!;
    expect(d3.dims).toEqual([2, 3, 4]);
    // numpy: np.arange(24.).reshape(2,3,4) - 5.5, so element (i,j,k) = 12i + 4j + k - 5.5, column-major index
    // i + 2j + 6k
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 4; k++) expect(d3.data[i + 2 * j + 6 * k]).toBe(12 * i + 4 * j + k - 5.5);
  });
});

describe('genuine ex4weights.mat', () => {
  const ref = JSON.parse(readFileSync(join(FIX, 'ex4weights.scipy.json'), 'utf8')) as {
    header: string;
    variables: Record<string, { class: string; shape: number[]; float64_le_hex: string }>;
  };
  const mat = readMatFile(join(FIX, 'ex4weights.mat'));

  it('has Theta1 25x401 and Theta2 10x26, class double', () => {
    expect(mat.variables.get('Theta1')!.dims).toEqual([25, 401]);
    expect(mat.variables.get('Theta2')!.dims).toEqual([10, 26]);
    expect(mat.header).toBe(ref.header);
    for (const name of ['Theta1', 'Theta2']) expect(mat.variables.get(name)!.class).toBe(ref.variables[name].class);
  });

  for (const name of ['Theta1', 'Theta2']) {
    it(`${name} is bit-identical to what scipy reads`, () => {
      const m = mat.variables.get(name)!.matrix!;
      expect([m.rows, m.cols]).toEqual(ref.variables[name].shape);
      const bytes = Buffer.alloc(m.data.length * 8);
      m.data.forEach((x, i) => bytes.writeDoubleLE(x, i * 8));
      expect(bytes.toString('hex')).toBe(ref.variables[name].float64_le_hex);
    });
  }
});
