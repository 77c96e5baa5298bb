// Which MAT reader a file gets, and what a file no reader takes is told (issue 21: found by mutation testing).
// The hostile-input tests check the codes; this file pins every message and offset, both byte orders of the
// version field, and both sides of each length bound (the 128-byte header, the 8-byte HDF5 signature at 0 and 512).
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../src/data/mat/detect.js';
import { MatFileError } from '../src/data/mat/errors.js';

const V73 =
  'MATLAB 7.3 (HDF5) MAT-files are not supported: this reader handles MAT v4/v5/v7 files: re-save it in MATLAB ' +
  "with save('file.mat', '-v7') (or `save -v7 file.mat`), in Octave with `save -v7 file.mat`, or in Python with " +
  'scipy.io.savemat';
const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** A 128-byte Level 5 header: text, then version bytes 124..125 and the indicator at 126..127 as given. */
function header(text: string, version: [number, number], indicator: string, length = 128): Uint8Array {
  const b = new Uint8Array(length).fill(0x20);
  for (let i = 0; i < text.length; i++) b[i] = text.charCodeAt(i);
  b.fill(0, 116, 124);
  b[124] = version[0];
  b[125] = version[1];
  b[126] = indicator.charCodeAt(0);
  b[127] = indicator.charCodeAt(1);
  return b;
}
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

function refusal(bytes: Uint8Array): MatFileError {
  try {
    detectFormat(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(MatFileError);
    return e as MatFileError;
  }
  throw new Error('expected a MatFileError');
}
const summary = (e: MatFileError): [string, string, number | undefined] => [e.code, e.message, e.offset];

describe('Level 5 headers', () => {
  it('"IM" is little-endian, "MI" big-endian; a header of exactly 128 bytes is enough', () => {
    expect(detectFormat(header('MATLAB 5.0 MAT-file', [0x00, 0x01], 'IM'))).toEqual({ format: 'level5', littleEndian: true });
    expect(detectFormat(header('MATLAB 5.0 MAT-file', [0x01, 0x00], 'MI'))).toEqual({ format: 'level5', littleEndian: false });
    // the indicator decides, not the text
    expect(detectFormat(header('anything', [0x00, 0x01], 'IM', 200))).toEqual({ format: 'level5', littleEndian: true });
  });

  it('the version is read in the indicated byte order; only 0x0100 is read', () => {
    expect(summary(refusal(header('MATLAB 5.0', [0x01, 0x03], 'MI')))).toEqual([
      'ERR_MAT_FORMAT',
      'unsupported Level 5 MAT-file version 0x103 (offset 124)',
      124,
    ]);
    expect(refusal(header('MATLAB 5.0', [0x01, 0x03], 'IM')).message).toBe('unsupported Level 5 MAT-file version 0x301 (offset 124)');
    // 0x0100 written in the other byte order is 0x0001
    expect(refusal(header('MATLAB 5.0', [0x01, 0x00], 'IM')).message).toBe('unsupported Level 5 MAT-file version 0x1 (offset 124)');
  });

  it('version 0x0200 is v7.3, in either byte order, refused with advice at offset 124', () => {
    expect(summary(refusal(header('MATLAB 5.0', [0x00, 0x02], 'IM')))).toEqual(['ERR_MAT_V73', `${V73} (offset 124)`, 124]);
    expect(summary(refusal(header('MATLAB 5.0', [0x02, 0x00], 'MI')))).toEqual(['ERR_MAT_V73', `${V73} (offset 124)`, 124]);
  });

  it('a "MATLAB" text without an indicator: too short → truncated, long enough → no indicator at byte 126', () => {
    expect(summary(refusal(header('MATLAB 5.0', [0x00, 0x01], 'XX')))).toEqual([
      'ERR_MAT_FORMAT',
      "a MATLAB header without the 'IM'/'MI' endian indicator at byte 126 (offset 126)",
      126,
    ]);
    const short = header('MATLAB 5.0', [0x00, 0x01], 'IM').subarray(0, 127);
    expect(summary(refusal(short))).toEqual([
      'ERR_MAT_TRUNCATED',
      'the Level 5 header needs 128 bytes, the file has 127 (offset 0)',
      0,
    ]);
    for (const text of ['M', 'MAT', 'MATLA', 'MATLAB', 'MATLAB 5']) {
      expect(refusal(ascii(text)).message, text).toBe(`the Level 5 header needs 128 bytes, the file has ${text.length} (offset 0)`);
    }
  });

  it('an empty file', () => {
    expect(summary(refusal(new Uint8Array(0)))).toEqual(['ERR_MAT_TRUNCATED', 'the file is empty (0 bytes) (offset 0)', 0]);
  });
});

describe('v7.3 (HDF5) files', () => {
  it('recognised by the text alone', () => {
    expect(summary(refusal(header('MATLAB 7.3 MAT-file, Platform: GLNXA64', [0x00, 0x01], 'IM')))).toEqual([
      'ERR_MAT_V73',
      `${V73} (offset 0)`,
      0,
    ]);
  });

  it('recognised by the full 8-byte HDF5 signature at 0 or at 512, not by 7 of its bytes', () => {
    expect(summary(refusal(Uint8Array.from(HDF5)))).toEqual(['ERR_MAT_V73', `${V73} (offset 0)`, 0]);
    expect(detectFormat(Uint8Array.from(HDF5.slice(0, 7)))).toEqual({ format: 'level4' });
    const at512 = new Uint8Array(520);
    at512.set(HDF5, 512);
    expect(refusal(at512).code).toBe('ERR_MAT_V73');
    expect(detectFormat(at512.subarray(0, 519))).toEqual({ format: 'level4' });
    const wrongByte = at512.slice();
    wrongByte[519] = 0;
    expect(detectFormat(wrongByte)).toEqual({ format: 'level4' });
  });
});

describe('anything else goes to the Level 4 reader', () => {
  it('text that is not a MATLAB header, binary bytes', () => {
    for (const bytes of [ascii('MAX'), ascii('MATLX'), ascii('hello'), Uint8Array.of(0, 0, 0, 0, 2)]) {
      expect(detectFormat(bytes)).toEqual({ format: 'level4' });
    }
  });
});
