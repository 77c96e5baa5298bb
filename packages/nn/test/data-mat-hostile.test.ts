// Hostile MAT input is normal input: every malformed file must end in a MatFileError with the right code, fast
// and with bounded memory; never a RangeError, never a hang.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDeflate, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataFileError } from '../src/data/errors.js';
import { type MatFile, MatFileError, readMat, readMatFile, writeMat } from '../src/data/mat/index.js';
import { InvalidArgumentError } from '../src/errors.js';
import { matrix } from '../src/matrix.js';
import { Rng } from '../src/random.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const MAT = join(FIX, 'mat');

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

function expectMatError(fn: () => unknown, code: string): MatFileError {
  const err = errorOf(fn);
  expect(err, `expected ${code}`).toBeInstanceOf(MatFileError);
  expect((err as MatFileError).code, (err as Error).message).toBe(code);
  return err as MatFileError;
}

// ---- little-endian Level 5 building blocks ----
const u32 = (...xs: number[]) => Buffer.from(new Uint32Array(xs).buffer);
const i32 = (...xs: number[]) => Buffer.from(new Int32Array(xs).buffer);
const pad8 = (b: Buffer) => Buffer.concat([b, Buffer.alloc((8 - (b.length % 8)) % 8)]);
const element = (type: number, data: Buffer, nbytes = data.length) => Buffer.concat([u32(type, nbytes), pad8(data)]);
const header = () => {
  const h = Buffer.alloc(128, 0x20);
  h.write('MATLAB 5.0 MAT-file, hostile test input', 0, 'latin1');
  h.fill(0, 116, 124);
  h.writeUInt16LE(0x0100, 124);
  h.write('IM', 126, 'latin1');
  return h;
};
/** miMATRIX content: flags (class), dims, name, then `rest` sub-elements. */
const arrayContent = (cls: number, dims: number[], name: string, rest: Buffer[]) =>
  Buffer.concat([element(6, u32(cls, 0)), element(5, i32(...dims)), element(1, Buffer.from(name, 'latin1')), ...rest]);
const matrixElement = (cls: number, dims: number[], name: string, rest: Buffer[]) =>
  element(14, arrayContent(cls, dims, name, rest));
const file = (...elements: Buffer[]) => new Uint8Array(Buffer.concat([header(), ...elements]));

describe('truncation at every byte of real files', () => {
  const files = [
    join(MAT, 'mixed_uncompressed.mat'),
    join(MAT, 'mixed_compressed.mat'),
    join(MAT, 'v4_double.mat'),
    join(MAT, 'generated', 'scipy_mixed_z.mat'),
    join(MAT, 'generated', 'storage_types_be.mat'),
    join(MAT, 'generated', 'v4_double_be.mat'),
    join(MAT, 'generated', 'v4_mixed.mat'),
  ];
  for (const path of files) {
    it(path.slice(MAT.length + 1), () => {
      const bytes = readFileSync(path);
      const full = readMat(bytes);
      const names = [...full.variables.keys()];
      let truncated = 0;
      for (let n = 0; n < bytes.length; n++) {
        let part: MatFile;
        try {
          part = readMat(bytes.subarray(0, n));
        } catch (e) {
          expect(e, `cut at ${n}`).toBeInstanceOf(MatFileError);
          expect((e as MatFileError).code, `cut at ${n}: ${(e as Error).message}`).toBe('ERR_MAT_TRUNCATED');
          truncated++;
          continue;
        }
        // A cut exactly between two elements is a valid, shorter file: it must hold a prefix of the variables.
        const got = [...part.variables.keys()];
        expect(got, `cut at ${n}`).toEqual(names.slice(0, got.length));
        expect(got.length + part.skipped.length).toBeLessThan(names.length + full.skipped.length);
        for (const name of got) expect(part.variables.get(name)).toEqual(full.variables.get(name));
      }
      expect(truncated).toBeGreaterThan(bytes.length * 0.9);
    });
  }

  it('ex4weights.mat cut every 97 bytes', () => {
    const bytes = readFileSync(join(FIX, 'ex4weights.mat'));
    for (let n = 0; n < bytes.length; n += 97) {
      expectMatError(() => readMat(bytes.subarray(0, n)), 'ERR_MAT_TRUNCATED');
    }
  });
});

describe('degenerate and random input', () => {
  it('a zero-byte file is truncated', () => {
    const err = expectMatError(() => readMat(new Uint8Array(0)), 'ERR_MAT_TRUNCATED');
    expect(err.message).toMatch(/empty/);
  });

  it('random bytes (seeded) of many lengths never escape as anything but MatFileError', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 400; trial++) {
      const bytes = new Uint8Array(1 + rng.int(trial < 200 ? 64 : 4096));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
      expect(errorOf(() => readMat(bytes)), `trial ${trial}`).toBeInstanceOf(MatFileError);
    }
  });

  it('a valid Level 5 header followed by random bytes is rejected as MatFileError', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 300; trial++) {
      const body = Buffer.alloc(8 + rng.int(2000));
      for (let i = 0; i < body.length; i++) body[i] = rng.int(256);
      expect(errorOf(() => readMat(file(body))), `trial ${trial}`).toBeInstanceOf(MatFileError);
    }
  });

  it('random byte flips in real files give either a result or a MatFileError, nothing else', () => {
    const rng = new Rng(3);
    const sources = ['mixed_uncompressed.mat', 'generated/scipy_mixed.mat', 'generated/scipy_mixed_be.mat'].map((f) =>
      readFileSync(join(MAT, f)),
    );
    for (let trial = 0; trial < 1500; trial++) {
      const bytes = new Uint8Array(sources[trial % sources.length]);
      const flips = 1 + rng.int(4);
      for (let k = 0; k < flips; k++) bytes[128 + rng.int(bytes.length - 128)] = rng.int(256);
      const err = errorOf(() => readMat(bytes));
      if (err !== undefined) expect(err, `trial ${trial}: ${(err as Error).message}`).toBeInstanceOf(MatFileError);
    }
  });

  it('not a MAT-file at all → ERR_MAT_FORMAT', () => {
    expectMatError(() => readMat(new TextEncoder().encode('hello, this is a text file and not a MAT-file\n')), 'ERR_MAT_FORMAT');
  });

  it('an unsupported Level 5 version → ERR_MAT_FORMAT', () => {
    const bytes = file();
    bytes[125] = 0x03;
    expectMatError(() => readMat(bytes), 'ERR_MAT_FORMAT');
  });
});

describe('compressed elements', () => {
  it('a corrupt zlib stream → ERR_MAT_CORRUPT at the compressed element offset', () => {
    const bytes = new Uint8Array(readFileSync(join(MAT, 'mixed_compressed.mat')));
    for (let i = 128 + 8 + 2; i < 128 + 8 + 40; i++) bytes[i] ^= 0x5a; // scramble the deflate data of element 1
    const err = expectMatError(() => readMat(bytes), 'ERR_MAT_CORRUPT');
    expect(err.offset).toBe(128);
    expect(err.message).toMatch(/zlib/);
  });

  it('a zlib stream cut short inside its element → ERR_MAT_CORRUPT', () => {
    const z = deflateSync(matrixElement(6, [1, 4], 'x', [element(9, Buffer.alloc(32))]));
    const short = z.subarray(0, z.length - 6);
    expectMatError(() => readMat(file(element(15, short))), 'ERR_MAT_CORRUPT');
  });

  it('an inflate bomb (a miMATRIX tag, then 200 MB of zeros) stops at maxBytes with ERR_MAT_TOO_LARGE', async () => {
    const deflate = createDeflate({ level: 9 });
    const chunks: Buffer[] = [];
    deflate.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise((resolve) => deflate.on('end', resolve));
    const zeros = Buffer.alloc(1 << 20);
    deflate.write(u32(14, 200 << 20));
    for (let i = 0; i < 200; i++) deflate.write(zeros);
    deflate.end();
    await done;
    const bomb = Buffer.concat(chunks);
    expect(bomb.length).toBeLessThan(1 << 20);
    const err = expectMatError(() => readMat(file(element(15, bomb)), { maxBytes: 64 * 1024 * 1024 }), 'ERR_MAT_TOO_LARGE');
    expect(err.offset).toBe(128);
  });

  it('a file whose data exceed maxBytes → ERR_MAT_TOO_LARGE, compressed or not', () => {
    const vars = { W: matrix(100, 100) };
    for (const compress of [false, true]) {
      expectMatError(() => readMat(writeMat(vars, { compress }), { maxBytes: 50_000 }), 'ERR_MAT_TOO_LARGE');
      expect(readMat(writeMat(vars, { compress }), { maxBytes: 400_000 }).variables.get('W')!.dims).toEqual([100, 100]);
    }
  });
});

describe('lying sizes', () => {
  it('dims 100000x100000 with 8 bytes of data → ERR_MAT_CORRUPT naming the variable', () => {
    const bytes = file(matrixElement(6, [100000, 100000], 'big', [element(9, Buffer.alloc(8))]));
    const err = expectMatError(() => readMat(bytes), 'ERR_MAT_CORRUPT');
    expect(err.variable).toBe('big');
    expect(err.message).toMatch(/100000x100000/);
    expect(err.offset).toBe(128 + 8 + 16 + 16 + 16); // the real part's tag (after flags, dims, 16-byte name)
  });

  it('an empty array with a huge other dimension (0x2147483647) reads as empty without looping over it', () => {
    const v5 = readMat(file(matrixElement(6, [0, 0x7fffffff], 'e', [element(9, Buffer.alloc(0))])));
    expect(v5.variables.get('e')!.matrix).toEqual({ rows: 0, cols: 0x7fffffff, data: new Float64Array(0) });
    const v4 = readMat(new Uint8Array(Buffer.concat([i32(0, 0x7fffffff, 0, 0, 2), Buffer.from('e\0')])));
    expect(v4.variables.get('e')!.dims).toEqual([0x7fffffff, 0]);
  });

  it('a 200000-character miUTF32 char array decodes (no argument-spreading limits)', () => {
    const n = 200000;
    const codes = Buffer.alloc(4 * n);
    for (let i = 0; i < n; i++) codes.writeUInt32LE(0x61 + (i % 26), 4 * i);
    const text = readMat(file(matrixElement(4, [1, n], 'long', [element(18, codes)]))).variables.get('long')!.text!;
    expect(text.length).toBe(n);
    expect(text.slice(0, 27)).toBe('abcdefghijklmnopqrstuvwxyza');
  });

  it('a real part size that disagrees with dims → ERR_MAT_CORRUPT', () => {
    expectMatError(() => readMat(file(matrixElement(6, [2, 2], 'x', [element(9, Buffer.alloc(24))]))), 'ERR_MAT_CORRUPT');
  });

  it('a huge top-level length field → ERR_MAT_TRUNCATED', () => {
    const el = Buffer.concat([u32(14, 0xfffffff8), Buffer.alloc(64)]);
    const err = expectMatError(() => readMat(file(el)), 'ERR_MAT_TRUNCATED');
    expect(err.offset).toBe(128);
  });

  it('a huge sub-element length inside a matrix → ERR_MAT_CORRUPT', () => {
    const content = arrayContent(6, [1, 1], 'x', [Buffer.concat([u32(9, 0x7ffffff0), Buffer.alloc(8)])]);
    expectMatError(() => readMat(file(element(14, content))), 'ERR_MAT_CORRUPT');
  });

  it('negative dimensions → ERR_MAT_CORRUPT', () => {
    expectMatError(() => readMat(file(matrixElement(6, [-1, 4], 'x', [element(9, Buffer.alloc(0))]))), 'ERR_MAT_CORRUPT');
  });

  it('array flags of the wrong type or size → ERR_MAT_CORRUPT', () => {
    const content = Buffer.concat([element(5, i32(1, 1)), element(5, i32(1, 1))]);
    expectMatError(() => readMat(file(element(14, content))), 'ERR_MAT_CORRUPT');
  });

  it('an unknown top-level element type → ERR_MAT_CORRUPT', () => {
    expectMatError(() => readMat(file(element(9, Buffer.alloc(8)))), 'ERR_MAT_CORRUPT');
  });

  it('Level 4: dims claiming more than the file holds → ERR_MAT_TRUNCATED; nonsense header → ERR_MAT_FORMAT', () => {
    const h = Buffer.concat([i32(0, 100000, 100000, 0, 2), Buffer.from('A\0'), Buffer.alloc(16)]);
    expectMatError(() => readMat(new Uint8Array(h)), 'ERR_MAT_TRUNCATED');
    const longName = Buffer.concat([i32(0, 1, 1, 0, 0x7fffffff), Buffer.alloc(16)]);
    expectMatError(() => readMat(new Uint8Array(longName)), 'ERR_MAT_TRUNCATED');
    const negative = Buffer.concat([i32(0, -3, 1, 0, 2), Buffer.from('A\0'), Buffer.alloc(8)]);
    expectMatError(() => readMat(new Uint8Array(negative)), 'ERR_MAT_FORMAT');
    const vax = Buffer.concat([i32(2000, 1, 1, 0, 2), Buffer.from('A\0'), Buffer.alloc(8)]);
    expectMatError(() => readMat(new Uint8Array(vax)), 'ERR_MAT_FORMAT');
  });
});

describe('cells and structs', () => {
  /** `depth` cells nested 1x1 inside each other, written in one pass (sizes known from the inside out). */
  function nestedCells(depth: number): Uint8Array {
    const headerBytes = 16 + 16 + 8; // flags, dims, empty name
    const out = Buffer.alloc(128 + depth * (8 + headerBytes));
    header().copy(out);
    let at = 128;
    for (let level = 0; level < depth; level++) {
      const inner = depth - level - 1;
      out.writeUInt32LE(14, at);
      out.writeUInt32LE(headerBytes + inner * (8 + headerBytes), at + 4);
      u32(6, 8, 1, 0).copy(out, at + 8); // miUINT32, 8 bytes: class cell
      u32(5, 8).copy(out, at + 24);
      i32(...(inner === 0 ? [0, 0] : [1, 1])).copy(out, at + 32);
      u32(1, 0).copy(out, at + 40); // empty name
      at += 8 + headerBytes;
    }
    return new Uint8Array(out);
  }

  it('modestly nested cells are skipped with their class and a reason, and later variables still load', () => {
    const bytes = Buffer.concat([nestedCells(5), writeMat({ after: matrix(1, 2, [3, 4]) }).subarray(128)]);
    const mat = readMat(new Uint8Array(bytes));
    expect(mat.skipped).toEqual([{ name: '', class: 'cell', reason: expect.stringMatching(/cell/) }]);
    expect(mat.variables.get('after')!.matrix).toEqual(matrix(1, 2, [3, 4]));
  });

  it('cells nested 10000 deep → ERR_MAT_TOO_DEEP (no stack overflow)', () => {
    expectMatError(() => readMat(nestedCells(10000)), 'ERR_MAT_TOO_DEEP');
  });

  it('a cell claiming a billion elements in a few bytes → ERR_MAT_CORRUPT', () => {
    const bytes = file(matrixElement(1, [1000, 1000000], 'c', [element(14, Buffer.alloc(0))]));
    expectMatError(() => readMat(bytes), 'ERR_MAT_CORRUPT');
  });

  it('a struct whose field names do not divide by the name length → ERR_MAT_CORRUPT', () => {
    const rest = [Buffer.concat([u32((4 << 16) | 5), i32(7)]), element(1, Buffer.alloc(10))];
    expectMatError(() => readMat(file(matrixElement(2, [1, 1], 's', rest))), 'ERR_MAT_CORRUPT');
  });
});

describe('bad arguments', () => {
  it('non-bytes input and bad maxBytes → InvalidArgumentError', () => {
    expect(() => readMat('not bytes' as unknown as Uint8Array)).toThrow(InvalidArgumentError);
    expect(() => readMat(new Uint8Array(8), { maxBytes: -1 })).toThrow(/options\.maxBytes/);
  });

  it('a missing file → DataFileError naming the path', () => {
    const err = errorOf(() => readMatFile('/nonexistent/dir/x.mat'));
    expect(err).toBeInstanceOf(DataFileError);
    expect((err as DataFileError).code).toBe('ERR_DATA_FILE');
    expect((err as Error).message).toMatch(/\/nonexistent\/dir\/x\.mat/);
  });
});
