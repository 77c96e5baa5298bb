import { MatFileError } from './errors.js';

/** Which reader a file needs: Level 5 (with its byte order) or Level 4. v7.3 and non-MAT input throw. */
export type DetectedFormat = { format: 'level5'; littleEndian: boolean } | { format: 'level4' };

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const V73_ADVICE =
  'this reader handles MAT v4/v5/v7 files: re-save it in MATLAB with ' +
  "save('file.mat', '-v7') (or `save -v7 file.mat`), in Octave with `save -v7 file.mat`, " +
  'or in Python with scipy.io.savemat';

/**
 * Level 5 files start with 116 bytes of text and carry a version and an endian indicator ('IM' written
 * little-endian, 'MI' big-endian) at bytes 124..127; version 0x0200 marks v7.3, which is HDF5 underneath (with
 * the HDF5 signature at offset 512). Level 4 files have no file header: they start directly with a matrix header.
 */
export function detectFormat(bytes: Uint8Array): DetectedFormat {
  if (bytes.length === 0) throw new MatFileError('ERR_MAT_TRUNCATED', 'the file is empty (0 bytes)', { offset: 0 });
  const text = latin1(bytes, 0, Math.min(116, bytes.length));
  if (text.startsWith('MATLAB 7.3 MAT-file') || hasSignature(bytes, 0) || hasSignature(bytes, 512)) {
    throw new MatFileError('ERR_MAT_V73', `MATLAB 7.3 (HDF5) MAT-files are not supported: ${V73_ADVICE}`, {
      offset: 0,
    });
  }
  if (bytes.length >= 128) {
    const indicator = String.fromCharCode(bytes[126], bytes[127]);
    if (indicator === 'IM' || indicator === 'MI') {
      const littleEndian = indicator === 'IM';
      const version = littleEndian ? bytes[124] | (bytes[125] << 8) : (bytes[124] << 8) | bytes[125];
      if (version === 0x0200) {
        throw new MatFileError('ERR_MAT_V73', `MATLAB 7.3 (HDF5) MAT-files are not supported: ${V73_ADVICE}`, {
          offset: 124,
        });
      }
      if (version !== 0x0100) {
        throw new MatFileError('ERR_MAT_FORMAT', `unsupported Level 5 MAT-file version 0x${version.toString(16)}`, {
          offset: 124,
        });
      }
      return { format: 'level5', littleEndian };
    }
  }
  if (text.startsWith('MATLAB') || (bytes.length < 6 && 'MATLAB'.startsWith(text))) {
    if (bytes.length < 128) {
      throw new MatFileError(
        'ERR_MAT_TRUNCATED',
        `the Level 5 header needs 128 bytes, the file has ${bytes.length}`,
        { offset: 0 },
      );
    }
    throw new MatFileError('ERR_MAT_FORMAT', "a MATLAB header without the 'IM'/'MI' endian indicator at byte 126", {
      offset: 126,
    });
  }
  return { format: 'level4' };
}

function hasSignature(bytes: Uint8Array, at: number): boolean {
  if (bytes.length < at + HDF5_SIGNATURE.length) return false;
  return HDF5_SIGNATURE.every((b, i) => bytes[at + i] === b);
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
