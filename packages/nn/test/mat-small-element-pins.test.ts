/**
 * A Level 5 small data element packs at most 4 bytes of data into its 8-byte tag. A tag claiming 5–8 bytes is
 * corrupt: read as if it were valid, its data would run into the next element (issue 21: the bound `> 4` could
 * be loosened to `> 8` without any test noticing).
 */
import { describe, expect, it } from 'vitest';
import { MatFileError, readMat, writeMat } from '../src/data/mat/index.js';
import { matrix } from '../src/matrix.js';

const miINT8 = 1;

/** A valid file holding one 2×2 double matrix named `abcd` (a 4-character name: written as a small element). */
function fileWithSmallName(): { bytes: Uint8Array; nameTagAt: number } {
  const bytes = writeMat({ abcd: matrix(2, 2, [1, 2, 3, 4]) });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The name element follows the miMATRIX tag (8), array flags (16) and dimensions (16) of the first variable.
  const nameTagAt = 128 + 8 + 16 + 16;
  expect(view.getUint32(nameTagAt, true)).toBe((4 << 16) | miINT8);
  expect(String.fromCharCode(...bytes.subarray(nameTagAt + 4, nameTagAt + 8))).toBe('abcd');
  return { bytes, nameTagAt };
}

describe('a small data element claiming more than 4 bytes is ERR_MAT_CORRUPT', () => {
  it('the unmodified file reads (the fixture is valid)', () => {
    const { bytes } = fileWithSmallName();
    const mat = readMat(bytes);
    expect([...mat.variables.keys()]).toEqual(['abcd']);
  });

  it.each([5, 6, 7, 8, 9, 255])('an array name whose small tag claims %i bytes', (claimed) => {
    const { bytes, nameTagAt } = fileWithSmallName();
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(nameTagAt, (claimed << 16) | miINT8, true);
    let err: unknown;
    try {
      readMat(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MatFileError);
    expect((err as MatFileError).code).toBe('ERR_MAT_CORRUPT');
    expect((err as Error).message).toBe(`array name: small data element claims ${claimed} bytes (max 4) (offset ${nameTagAt})`);
    expect((err as MatFileError).offset).toBe(nameTagAt);
  });

  it.each([1, 2, 3, 4])('a small tag claiming %i bytes is valid (the name is that many characters)', (claimed) => {
    const { bytes, nameTagAt } = fileWithSmallName();
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(nameTagAt, (claimed << 16) | miINT8, true);
    expect([...readMat(bytes).variables.keys()]).toEqual(['abcd'.slice(0, claimed)]);
  });
});
