// Small MAT-files that describe something huge (issue 18): the reader charges `maxBytes` for everything it builds
// (inflated bytes, decoded values, text, records), checks what a header declares before inflating or decoding, and
// ends every such file with a one-line ERR_MAT_TOO_LARGE: fast, with bounded memory, the process alive.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type MatFile, MatFileError, readMat } from '../src/data/mat/index.js';
import { concat, flag, type ArrayHeaderFields, matBuilder, mi, mx, zlibWithZeros } from './mat-build.js';
import { peakGrowthMiB } from './peak-rss.js';

const le = matBuilder(false);
const MiB = 2 ** 20;

/** A compressed miMATRIX whose real part is `realBytes` zero bytes of type `realType`. */
function compressedZeros(h: ArrayHeaderFields, realType: number, realBytes: number): Uint8Array {
  const head = le.arrayHeader(h);
  const pad = (8 - (realBytes % 8)) % 8;
  const prefix = concat([le.u32(mi.MATRIX, head.length + 8 + realBytes + pad), head, le.u32(realType, realBytes)]);
  return le.compressed(zlibWithZeros(prefix, realBytes + pad));
}

/** Runs `read`, expecting a MatFileError with `code`, within `cpuMs` of CPU time and `rssMiB` of peak-RSS growth. */
function expectBounded(read: () => MatFile, code: string, cpuMs = 2000, rssMiB = 512): MatFileError {
  const cpu = process.cpuUsage();
  let err: unknown;
  const growth = peakGrowthMiB(() => {
    try {
      read();
    } catch (e) {
      err = e;
    }
  });
  const used = process.cpuUsage(cpu);
  expect(err, `expected ${code}`).toBeInstanceOf(MatFileError);
  expect((err as MatFileError).code, (err as Error).message).toBe(code);
  expect((err as Error).message).not.toContain('\n');
  // CPU time, not wall time: the suite shares a loaded machine.
  expect((used.user + used.system) / 1000).toBeLessThan(cpuMs);
  if (growth !== undefined) expect(growth).toBeLessThan(rssMiB);
  return err as MatFileError;
}

describe('char arrays are charged for the text they build', () => {
  it('a compressed 120,000,000×1 char array (a 234 kB file) → ERR_MAT_TOO_LARGE, not a fatal invalid-size error', () => {
    const bytes = le.file(compressedZeros({ cls: mx.CHAR, dims: [120_000_000, 1], name: 'c' }, mi.UINT16, 240_000_000));
    expect(bytes.length).toBeLessThan(600_000);
    const err = expectBounded(() => readMat(bytes), 'ERR_MAT_TOO_LARGE');
    expect(err.variable ?? err.offset).toBeDefined();
  });

  it('a compressed 1×120,000,000 UTF-8 char array → ERR_MAT_TOO_LARGE', () => {
    const bytes = le.file(compressedZeros({ cls: mx.CHAR, dims: [1, 120_000_000], name: 'c' }, mi.UTF8, 120_000_000));
    expectBounded(() => readMat(bytes), 'ERR_MAT_TOO_LARGE');
  });

  it('an uncompressed 3,000,000×1 char array decodes, one line per row, within 2 s of CPU', () => {
    const n = 3_000_000;
    const codes = new Uint8Array(2 * n);
    for (let i = 0; i < n; i++) codes[2 * i] = 0x61 + (i % 26);
    const bytes = le.file(le.matrix({ cls: mx.CHAR, dims: [n, 1], name: 'col' }, [le.element(mi.UINT16, codes)]));
    const cpu = process.cpuUsage();
    const text = readMat(bytes).variables.get('col')!.text!;
    const used = process.cpuUsage(cpu);
    expect((used.user + used.system) / 1000).toBeLessThan(2000);
    expect(text.length).toBe(2 * n - 1);
    expect(text.slice(0, 8)).toBe('a\nb\nc\nd\n');
    expect(text.split('\n')[n - 1]).toBe(String.fromCharCode(0x61 + ((n - 1) % 26)));
  });

  it('miUTF32 with code points past U+FFFF decodes to surrogate pairs; a count mismatch is refused', () => {
    const points = [0x61, 0x1f600, 0x62];
    const data = new Uint8Array(new Uint32Array(points).buffer);
    const ok = readMat(le.file(le.matrix({ cls: mx.CHAR, dims: [1, 4], name: 's' }, [le.element(mi.UTF32, data)])));
    expect(ok.variables.get('s')!.text).toBe('a\u{1f600}b');
    expect(() => readMat(le.file(le.matrix({ cls: mx.CHAR, dims: [1, 3], name: 's' }, [le.element(mi.UTF32, data)])))).toThrow(
      /need 3 characters but its data decodes to 4/,
    );
  });
});

describe('64-bit integers', () => {
  it('compressed 120,000,000-element int64 and uint64 arrays → ERR_MAT_TOO_LARGE before inflating', () => {
    for (const [cls, type] of [
      [mx.INT64, mi.INT64],
      [mx.UINT64, mi.UINT64],
    ]) {
      const bytes = le.file(compressedZeros({ cls, dims: [120_000_000, 1], name: 'i' }, type, 960_000_000));
      const err = expectBounded(() => readMat(bytes), 'ERR_MAT_TOO_LARGE', 1000, 64);
      expect(err.message).toMatch(/declares/);
    }
  });

  it('values round to the nearest double exactly as Number(BigInt) does, both byte orders', () => {
    const ints = [0n, 1n, -1n, 2n ** 53n + 1n, 2n ** 53n + 3n, -(2n ** 63n), 2n ** 63n - 1n, -(2n ** 53n) - 1n, 123456789012345678n];
    const uints = [0n, 1n, 2n ** 64n - 1n, 2n ** 53n + 1n, 2n ** 63n, 0xfffffffffffff801n, 987654321987654321n];
    for (const bigEndian of [false, true]) {
      const b = matBuilder(bigEndian);
      const enc = (xs: bigint[], signed: boolean) => {
        const out = new Uint8Array(8 * xs.length);
        const v = new DataView(out.buffer);
        xs.forEach((x, i) => (signed ? v.setBigInt64(8 * i, x, !bigEndian) : v.setBigUint64(8 * i, x, !bigEndian)));
        return out;
      };
      const bytes = concat([
        b.header(),
        b.matrix({ cls: mx.INT64, dims: [1, ints.length], name: 'i' }, [b.element(mi.INT64, enc(ints, true))]),
        b.matrix({ cls: mx.UINT64, dims: [1, uints.length], name: 'u' }, [b.element(mi.UINT64, enc(uints, false))]),
      ]);
      const mat = readMat(bytes);
      expect(Array.from(mat.variables.get('i')!.data)).toEqual(ints.map(Number));
      expect(Array.from(mat.variables.get('u')!.data)).toEqual(uints.map(Number));
    }
  });
});

describe('inflate bombs', () => {
  it('six 1 GB inflate bombs in one ~6 MB file stop at the budget, fast', () => {
    const bomb = compressedZeros({ cls: mx.DOUBLE, dims: [1, 125_000_000], name: 'bomb' }, mi.DOUBLE, 1e9);
    const bytes = le.file(...Array.from({ length: 6 }, () => bomb));
    expect(bytes.length).toBeGreaterThan(5_000_000);
    expect(bytes.length).toBeLessThan(7_000_000);
    expectBounded(() => readMat(bytes), 'ERR_MAT_TOO_LARGE', 1000, 64);
  });

  it('a bomb that declares a small matrix and inflates to 1 GB past it is refused without inflating the rest', () => {
    const head = le.arrayHeader({ cls: mx.DOUBLE, dims: [1, 1], name: 'x' });
    const inner = concat([le.u32(mi.MATRIX, head.length + 16), head, le.u32(mi.DOUBLE, 8), new Uint8Array(8)]);
    const bytes = le.file(le.compressed(zlibWithZeros(inner, 2 ** 30)));
    const err = expectBounded(() => readMat(bytes), 'ERR_MAT_CORRUPT', 1000, 64);
    expect(err.message).toMatch(/more than the \d+ bytes its miMATRIX tag declares/);
  });
});

describe('maxBytes is an upper bound on everything built', () => {
  it('20 compressed elements that inflate to 9 MiB each fail a 10 MiB budget', () => {
    // Complex arrays are skipped, not decoded: only the inflating costs anything.
    const el = compressedZeros({ cls: mx.DOUBLE, flags: flag.COMPLEX, dims: [1, (9 * MiB) / 8], name: 'z' }, mi.DOUBLE, 9 * MiB);
    const bytes = le.file(...Array.from({ length: 20 }, () => el));
    expect(bytes.length).toBeLessThan(400_000);
    expectBounded(() => readMat(bytes, { maxBytes: 10 * MiB }), 'ERR_MAT_TOO_LARGE');
    expect(readMat(bytes, { maxBytes: 200 * MiB }).skipped).toHaveLength(20);
  });

  it('4 MiB inflated plus 8 MiB decoded fail a 10 MiB budget, and read within 13 MiB', () => {
    const values = new Float64Array((4 * MiB) / 8).map((_, i) => i);
    const element = le.matrix({ cls: mx.DOUBLE, dims: [1, values.length], name: 'w' }, [
      le.element(mi.DOUBLE, new Uint8Array(values.buffer)),
    ]);
    const bytes = le.file(le.compressed(deflateSync(element)));
    expectBounded(() => readMat(bytes, { maxBytes: 10 * MiB }), 'ERR_MAT_TOO_LARGE');
    const data = readMat(bytes, { maxBytes: 13 * MiB }).variables.get('w')!.data;
    expect(data.length).toBe(values.length);
    expect(data.every((v, i) => v === values[i])).toBe(true);
  });

  it('100,000 empty variables are charged per record', () => {
    const one = le.matrix({ cls: mx.DOUBLE, dims: [0, 0], name: 'v' }, [le.element(mi.DOUBLE, new Uint8Array(0))]);
    const bytes = le.file(...Array.from({ length: 100_000 }, () => one));
    expectBounded(() => readMat(bytes, { maxBytes: 32 * MiB }), 'ERR_MAT_TOO_LARGE');
    expect(readMat(bytes, { maxBytes: 256 * MiB }).variables.get('v')!.dims).toEqual([0, 0]);
  });
});
