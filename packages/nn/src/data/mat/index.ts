/**
 * MAT-file support, the front door: `readMat` / `readMatFile` for Level 4 and Level 5 files (MATLAB v4..v7,
 * Octave, scipy) and `writeMat` / `writeMatFile` for Level 5 double matrices. MATLAB 7.3 (HDF5) files are
 * recognised and refused with advice (`ERR_MAT_V73`). Every failure is a `MatFileError` with a `code`.
 *
 * Layout: a variable's `data` keeps MATLAB's column-major order with its `dims` (any number of dimensions); 2-D
 * numeric and logical variables also carry `matrix`, the same values as a row-major Matrix (see types.ts).
 * Structs, cells, sparse, complex, objects and function handles are listed in `skipped` with a reason.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError } from '../../errors.js';
import type { Matrix } from '../../matrix.js';
import { DataFileError } from '../errors.js';
import { detectFormat } from './detect.js';
import { readLevel4 } from './level4-read.js';
import { readLevel5 } from './level5-read.js';
import { writeMat, type WriteMatOptions } from './level5-write.js';
import { DEFAULT_MAX_BYTES, type MatFile, type ReadMatOptions } from './types.js';

export { MatFileError, type MatErrorCode } from './errors.js';
export type { MatClass, MatFile, MatVariable, ReadMatOptions, SkippedVariable } from './types.js';
export { writeMat, type WriteMatOptions } from './level5-write.js';

/** Decode a MAT-file held in memory. */
export function readMat(bytes: Uint8Array, options: ReadMatOptions = {}): MatFile {
  if (!(bytes instanceof Uint8Array)) {
    throw new InvalidArgumentError(`bytes: expected a Uint8Array (or Buffer), got ${typeof bytes}`);
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (typeof maxBytes !== 'number' || !(maxBytes > 0) || !Number.isFinite(maxBytes)) {
    throw new InvalidArgumentError(`options.maxBytes: expected a positive number of bytes, got ${maxBytes}`);
  }
  const detected = detectFormat(bytes);
  return detected.format === 'level5'
    ? readLevel5(bytes, detected.littleEndian, maxBytes)
    : readLevel4(bytes, maxBytes);
}

/** Read and decode a MAT-file from disk (synchronously). */
export function readMatFile(path: string, options: ReadMatOptions = {}): MatFile {
  return readMat(readBytes(path), options);
}

/** Write `vars` to `path` as a Level 5 MAT-file (see `writeMat`). */
export function writeMatFile(
  path: string,
  vars: Record<string, Matrix> | Map<string, Matrix>,
  options: WriteMatOptions = {},
): void {
  const bytes = writeMat(vars, options);
  try {
    writeFileSync(path, bytes);
  } catch (cause) {
    throw new DataFileError(path, 'cannot write', cause);
  }
}

function readBytes(path: string): Uint8Array {
  if (typeof path !== 'string' || path === '') {
    throw new InvalidArgumentError(`path: expected a file path, got ${JSON.stringify(path)}`);
  }
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new DataFileError(path, 'cannot read', cause);
  }
}
