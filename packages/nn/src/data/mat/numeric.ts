import { fromColumnMajor, type Matrix } from '../../matrix.js';
import type { ByteSource } from './bytes.js';
import { MatFileError } from './errors.js';
import { mi } from './types.js';

/** Bytes per value of each Level 5 numeric storage type. */
export const storageSize: Record<number, number | undefined> = {
  [mi.INT8]: 1,
  [mi.UINT8]: 1,
  [mi.INT16]: 2,
  [mi.UINT16]: 2,
  [mi.INT32]: 4,
  [mi.UINT32]: 4,
  [mi.SINGLE]: 4,
  [mi.DOUBLE]: 8,
  [mi.INT64]: 8,
  [mi.UINT64]: 8,
};

/**
 * Decode `count` values of storage type `type` starting at `pos` into doubles. Any storage type may hold any
 * numeric class (MATLAB writes a double array of small integers as miUINT8, for instance); the values are the
 * same either way. 64-bit integers are rounded to the nearest double.
 */
export function decodeNumeric(src: ByteSource, pos: number, type: number, count: number, end: number): Float64Array {
  const size = storageSize[type];
  if (size === undefined) {
    throw new MatFileError('ERR_MAT_CORRUPT', `numeric data has unsupported storage type ${type}`, {
      offset: src.fileOffset(pos),
    });
  }
  src.need(pos, count * size, 'numeric data', end);
  const v = src.view;
  const le = src.littleEndian;
  const out = new Float64Array(count);
  switch (type) {
    case mi.INT8:
      for (let i = 0; i < count; i++) out[i] = v.getInt8(pos + i);
      break;
    case mi.UINT8:
      for (let i = 0; i < count; i++) out[i] = v.getUint8(pos + i);
      break;
    case mi.INT16:
      for (let i = 0; i < count; i++) out[i] = v.getInt16(pos + 2 * i, le);
      break;
    case mi.UINT16:
      for (let i = 0; i < count; i++) out[i] = v.getUint16(pos + 2 * i, le);
      break;
    case mi.INT32:
      for (let i = 0; i < count; i++) out[i] = v.getInt32(pos + 4 * i, le);
      break;
    case mi.UINT32:
      for (let i = 0; i < count; i++) out[i] = v.getUint32(pos + 4 * i, le);
      break;
    case mi.SINGLE:
      for (let i = 0; i < count; i++) out[i] = v.getFloat32(pos + 4 * i, le);
      break;
    case mi.DOUBLE:
      for (let i = 0; i < count; i++) out[i] = v.getFloat64(pos + 8 * i, le);
      break;
    case mi.INT64:
    case mi.UINT64: {
      // high·2^32 is exact and one addition rounds the sum to the nearest double, as Number(BigInt) does,
      // without a BigInt per value.
      const hi = le ? 4 : 0;
      const lo = le ? 0 : 4;
      const signed = type === mi.INT64;
      for (let i = 0; i < count; i++) {
        const at = pos + 8 * i;
        const high = signed ? v.getInt32(at + hi, le) : v.getUint32(at + hi, le);
        out[i] = high * 4294967296 + v.getUint32(at + lo, le);
      }
      break;
    }
  }
  return out;
}

/**
 * Number of elements of an array with these dimensions, or `Infinity` when it exceeds `limit` (so a header
 * claiming 100000×100000 elements is rejected before anything is allocated).
 */
export function elementCount(dims: readonly number[], limit: number): number {
  if (dims.some((d) => d === 0)) return 0;
  let n = 1;
  for (const d of dims) {
    n *= d;
    if (n > limit) return Infinity;
  }
  return n;
}

/**
 * What one decoded or skipped variable costs beyond its values: the record, its dims and name, its typed arrays'
 * headers and its Map entry (measured at ~600 bytes on Node 20; rounded up).
 */
export const RECORD_BYTES = 1024;

/**
 * Keeps the running total of bytes the reader has built under `maxBytes`: inflated element contents, decoded
 * values, text, and a fixed cost per variable. Nothing is given back, so `maxBytes` bounds the whole read.
 */
export class Budget {
  private used = 0;
  constructor(readonly maxBytes: number) {}

  get remaining(): number {
    return Math.max(0, this.maxBytes - this.used);
  }

  /** Reserve `bytes` for decoded output or throw ERR_MAT_TOO_LARGE. */
  take(bytes: number, what: string, offset: number, variable?: string): void {
    if (bytes > this.remaining) {
      throw new MatFileError(
        'ERR_MAT_TOO_LARGE',
        `${what} needs ${bytes} bytes, more than the ${this.remaining} left of maxBytes = ${this.maxBytes}`,
        { offset, variable },
      );
    }
    this.used += bytes;
  }
}

/**
 * The row-major Matrix of 2-D column-major data. Empty arrays are built directly: their other dimension may be
 * anything up to 2^31 − 1 and must not cost a loop.
 */
export function rowMajorMatrix(rows: number, cols: number, colMajor: Float64Array): Matrix {
  if (colMajor.length === 0) return { rows, cols, data: new Float64Array(0) };
  return fromColumnMajor(rows, cols, colMajor);
}
