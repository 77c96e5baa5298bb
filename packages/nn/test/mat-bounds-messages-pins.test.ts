/**
 * What a MAT-file that runs out of bytes is told: the code (truncated file vs corrupt element), which field needed
 * how many bytes, how many were left in which container, and the file offset to look at. Pinned here because the
 * hostile-input tests check codes and offsets but not the sentence (issue 21's mutation run).
 * Sizes, checked by hand: a 2×2 double named `abcd` is a 128-byte header + an 8-byte miMATRIX tag + 80 bytes
 * (flags 16, dims 16, name 8, real part 8 + 32).
 */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MatFileError, readMat, writeMat } from '../src/data/mat/index.js';
import { matrix } from '../src/matrix.js';

function failure(bytes: Uint8Array): MatFileError {
  try {
    readMat(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(MatFileError);
    return e as MatFileError;
  }
  throw new Error('expected readMat to fail');
}

const file = writeMat({ abcd: matrix(2, 2, [1, 2, 3, 4]) });

describe('a truncated file: ERR_MAT_TRUNCATED, naming the field, the bytes it needs and the bytes left', () => {
  it('the fixture is 216 bytes and reads', () => {
    expect(file.length).toBe(216);
    expect(readMat(file).variables.size).toBe(1);
  });

  it.each([
    [130, 'top-level element tag needs 4 bytes but the file has 2 left (offset 128)'],
    [132, 'top-level element tag needs 8 bytes but the file has 4 left (offset 128)'],
    [136, 'top-level element needs 80 bytes but the file has 0 left (offset 128)'],
    [150, 'top-level element needs 80 bytes but the file has 14 left (offset 128)'],
    [215, 'top-level element needs 80 bytes but the file has 79 left (offset 128)'],
  ])('cut at %i bytes', (n, message) => {
    const err = failure(file.subarray(0, n));
    expect(err.code).toBe('ERR_MAT_TRUNCATED');
    expect(err.message).toBe(message);
    expect(err.offset).toBe(128);
  });
});

describe('an element running past its container: ERR_MAT_CORRUPT', () => {
  it('a name claiming more bytes than its array holds names "its enclosing element" and the name tag offset', () => {
    // A second variable after it: the enclosing element ends before the file does.
    const bytes = Uint8Array.from(writeMat({ abcdefghijklmnop: matrix(1, 1, [5]), second: matrix(1, 1, [6]) }));
    const view = new DataView(bytes.buffer);
    expect([view.getUint32(168, true), view.getUint32(172, true)]).toEqual([1, 16]); // miINT8, 16 bytes
    view.setUint32(172, 100, true);
    const err = failure(bytes);
    expect(err.code).toBe('ERR_MAT_CORRUPT');
    // The 72-byte array element ends at 208; the name's data would start at 176.
    expect(err.message).toBe('array name needs 100 bytes but its enclosing element has 32 left (offset 168)');
    expect(err.offset).toBe(168);
  });

  it('a small-format element whose 8 bytes straddle the end of its array names the small element', () => {
    // The array element claims 36 bytes, so it ends at 172: the name's small tag at 168 has 4 of its 8 bytes.
    const bytes = Uint8Array.from(file);
    new DataView(bytes.buffer).setUint32(132, 36, true);
    const err = failure(bytes);
    expect(err.code).toBe('ERR_MAT_CORRUPT');
    expect(err.message).toBe('array name small element needs 8 bytes but its enclosing element has 4 left (offset 168)');
    expect(err.offset).toBe(168);
  });

  it('compressed content that ends early names "the inflated element" and the compressed element offset', () => {
    // The 88-byte miMATRIX element without its last 8 bytes, deflated into a miCOMPRESSED element at 128.
    const z = deflateSync(file.subarray(128, file.length - 8));
    const bytes = new Uint8Array(128 + 8 + z.length);
    bytes.set(file.subarray(0, 128));
    const view = new DataView(bytes.buffer);
    view.setUint32(128, 15, true);
    view.setUint32(132, z.length, true);
    bytes.set(z, 136);
    const err = failure(bytes);
    expect(err.code).toBe('ERR_MAT_CORRUPT');
    expect(err.message).toBe('compressed element content needs 80 bytes but the inflated element has 72 left (offset 128)');
    expect(err.offset).toBe(128);
  });
});

describe('an element of the wrong type: ERR_MAT_CORRUPT naming the field, the types allowed and the type found', () => {
  function retyped(at: number, type: number): Uint8Array {
    const bytes = Uint8Array.from(file);
    const view = new DataView(bytes.buffer);
    view.setUint32(at, (view.getUint32(at, true) & 0xffff0000) | type, true);
    return bytes;
  }

  it('dimensions stored as miUINT32 (6) instead of miINT32 (5)', () => {
    const err = failure(retyped(152, 6));
    expect(err.code).toBe('ERR_MAT_CORRUPT');
    expect(err.message).toBe('dimensions: expected element type 5, got 6 (offset 152)');
    expect(err.offset).toBe(152);
  });

  it('a small-format name stored as miINT16 (3): only miINT8 (1) or miUINT8 (2) are text', () => {
    const err = failure(retyped(168, 3));
    expect(err.code).toBe('ERR_MAT_CORRUPT');
    expect(err.message).toBe('array name: expected element type 1 or 2, got 3 (offset 168)');
    expect(err.offset).toBe(168);
    expect([...readMat(retyped(168, 2)).variables.keys()]).toEqual(['abcd']); // miUINT8 is fine
  });
});
