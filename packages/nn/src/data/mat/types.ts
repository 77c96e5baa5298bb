import type { Matrix } from '../../matrix.js';

/** MATLAB class names of the variables this reader decodes. */
export type MatClass =
  | 'double'
  | 'single'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'logical'
  | 'char';

/**
 * One decoded variable.
 *
 * Layout: `data` always keeps MATLAB's column-major order with `dims` (any number of dimensions), converted to
 * doubles whatever the class or on-disk storage type. For 2-D numeric and logical variables `matrix` is the same
 * values as a row-major `Matrix` (element (i, j) at `data[i * cols + j]`), which is what the rest of the library
 * uses. int64/uint64 values are rounded to the nearest double: exact up to 2^53 in magnitude, not beyond.
 * Char arrays carry `text` (rows joined by '\n') and their UTF-16 code units in `data`.
 */
export interface MatVariable {
  name: string;
  class: MatClass;
  dims: number[];
  data: Float64Array;
  matrix?: Matrix;
  text?: string;
}

/** A variable present in the file but not decoded (struct, cell, sparse, complex, object …), and why. */
export interface SkippedVariable {
  name: string;
  class: string;
  reason: string;
}

export interface MatFile {
  format: 'level5' | 'level4';
  /** Level 5 descriptive header text (trailing blanks removed); absent for Level 4. */
  header?: string;
  endian: 'LE' | 'BE';
  variables: Map<string, MatVariable>;
  skipped: SkippedVariable[];
}

export interface ReadMatOptions {
  /**
   * Upper bound, in bytes, on everything the reader builds, charged before it is built and never given back: every
   * inflated byte of compressed elements, the decoded values (8 bytes per element, 16 for 2-D arrays, which also
   * get their row-major Matrix), char text (codes 8 bytes per character, text and its buffer 4 bytes per UTF-16
   * unit), and 1 KiB per variable. A compressed element's declared size and decoded size are checked before it is
   * inflated. Default 1 GiB.
   */
  maxBytes?: number;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;

/** Level 5 data types (the `mi*` constants of the MAT-file format). */
export const mi = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  INT64: 12,
  UINT64: 13,
  MATRIX: 14,
  COMPRESSED: 15,
  UTF8: 16,
  UTF16: 17,
  UTF32: 18,
} as const;

/** Level 5 array classes (the `mx*_CLASS` constants). */
export const mx = {
  CELL: 1,
  STRUCT: 2,
  OBJECT: 3,
  CHAR: 4,
  SPARSE: 5,
  DOUBLE: 6,
  SINGLE: 7,
  INT8: 8,
  UINT8: 9,
  INT16: 10,
  UINT16: 11,
  INT32: 12,
  UINT32: 13,
  INT64: 14,
  UINT64: 15,
  FUNCTION: 16,
  OPAQUE: 17,
} as const;

/** Numeric class names by mx class id. */
export const numericClassOf: Record<number, MatClass | undefined> = {
  [mx.DOUBLE]: 'double',
  [mx.SINGLE]: 'single',
  [mx.INT8]: 'int8',
  [mx.UINT8]: 'uint8',
  [mx.INT16]: 'int16',
  [mx.UINT16]: 'uint16',
  [mx.INT32]: 'int32',
  [mx.UINT32]: 'uint32',
  [mx.INT64]: 'int64',
  [mx.UINT64]: 'uint64',
};

/** Names of the classes this reader skips, for `skipped[].class`. */
export const otherClassName: Record<number, string | undefined> = {
  [mx.CELL]: 'cell',
  [mx.STRUCT]: 'struct',
  [mx.OBJECT]: 'object',
  [mx.SPARSE]: 'sparse',
  [mx.FUNCTION]: 'function_handle',
  [mx.OPAQUE]: 'opaque',
};
