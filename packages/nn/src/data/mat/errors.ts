import { BackpropError } from '../../errors.js';

/**
 * Stable codes for everything that can be wrong with a MAT-file. Callers branch on `err.code`.
 * - ERR_MAT_TRUNCATED: the file ends before a header, tag or element it announces.
 * - ERR_MAT_CORRUPT: sizes, types or a compressed stream contradict each other.
 * - ERR_MAT_TOO_LARGE: inflating or decoding would exceed `maxBytes`.
 * - ERR_MAT_TOO_DEEP: cells/structs nested deeper than the reader follows.
 * - ERR_MAT_V73: a MATLAB 7.3 (HDF5) file, which this reader does not decode.
 * - ERR_MAT_FORMAT: not a MAT-file, or a MAT variant this reader does not support.
 */
export type MatErrorCode =
  | 'ERR_MAT_TRUNCATED'
  | 'ERR_MAT_CORRUPT'
  | 'ERR_MAT_TOO_LARGE'
  | 'ERR_MAT_TOO_DEEP'
  | 'ERR_MAT_V73'
  | 'ERR_MAT_FORMAT';

export interface MatErrorDetails {
  /** Variable being read when the problem was found, when known. */
  variable?: string;
  /** Byte offset in the file; for data inside a compressed element, the offset of that compressed element. */
  offset?: number;
  cause?: unknown;
}

/** A MAT-file could not be read (or written): see `code`, `variable` and `offset`. */
export class MatFileError extends BackpropError {
  declare readonly code: MatErrorCode;
  readonly variable?: string;
  readonly offset?: number;

  constructor(code: MatErrorCode, message: string, details: MatErrorDetails = {}) {
    const where = [
      details.variable !== undefined ? `variable '${shorten(details.variable)}'` : '',
      details.offset !== undefined ? `offset ${details.offset}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    super(code, where ? `${message} (${where})` : message, { cause: details.cause });
    if (details.variable !== undefined) this.variable = details.variable;
    if (details.offset !== undefined) this.offset = details.offset;
  }
}

/** A name as it appears in a message: a hostile file may hold a name megabytes long (MATLAB's limit is 63). */
function shorten(name: string): string {
  return name.length <= 64 ? name : `${name.slice(0, 63)}… (${name.length} characters)`;
}
