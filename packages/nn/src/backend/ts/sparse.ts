import type { Matrix } from '../../matrix.js';
import type { IndexArray } from './kernels.js';
import { ShapeError } from '../../errors.js';

type TypedArrayClass<T> = { new (buffer: ArrayBufferLike): T; readonly BYTES_PER_ELEMENT: number };

/** A zeroed typed array over a SharedArrayBuffer, which worker threads read and write without copies. */
export function sharedArray<T>(Type: TypedArrayClass<T>, length: number): T {
  return new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT));
}

/**
 * Compressed sparse rows of X. About half the digit pixels are exactly 0 and X is fixed across an optimiser's
 * evaluations, so the forward product X·W1ᵀ and the gradient product δ2ᵀ·X only visit non-zeros. Stored in
 * SharedArrayBuffers so worker threads read the same copy.
 */
export interface Csr {
  readonly rows: number;
  readonly cols: number;
  /** rowStart[i]..rowStart[i+1] index into col/val for row i. */
  readonly rowStart: Int32Array;
  /** Column of each non-zero: 16-bit while X has at most 65 536 columns. */
  readonly col: IndexArray;
  readonly val: Float64Array;
}

/**
 * X in compressed columns, one block of rows at a time (the sub-blocks of the full-batch plan): for block b,
 * column k's non-zeros are colStart[b·(cols+1) + k] .. colStart[b·(cols+1) + k + 1], with the row inside the block
 * (ascending) and the value.
 */
export interface CscBlocks {
  readonly cols: number;
  readonly colStart: Int32Array;
  readonly row: Uint16Array;
  readonly val: Float64Array;
}

/** X in compressed rows. */
export function toCsr(X: Matrix): Csr {
  const { rows, cols, data } = X;
  let nnz = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) nnz++;
  if (nnz > 0x7fffffff) throw new ShapeError(`X: expected at most 2³¹−1 non-zero entries, got ${nnz}`);
  const rowStart = sharedArray(Int32Array, rows + 1);
  const col = cols <= 0x10000 ? sharedArray(Uint16Array, nnz) : sharedArray(Uint32Array, nnz);
  const val = sharedArray(Float64Array, nnz);
  let p = 0;
  for (let i = 0; i < rows; i++) {
    rowStart[i] = p;
    const base = i * cols;
    for (let k = 0; k < cols; k++) {
      const v = data[base + k];
      if (v !== 0) {
        col[p] = k;
        val[p] = v;
        p++;
      }
    }
  }
  rowStart[rows] = p;
  return { rows, cols, rowStart, col, val };
}

/**
 * The compressed columns of each block of rows [blockStart[b], blockStart[b+1]) (each at most 65 535 rows). Within
 * a column, rows ascend — the order in which the gradient sums run.
 */
export function toCscBlocks(csr: Csr, blockStart: Int32Array): CscBlocks {
  const { cols, rowStart, col, val } = csr;
  const blocks = blockStart.length - 1;
  const nnz = val.length;
  const colStart = sharedArray(Int32Array, blocks * (cols + 1));
  const row = sharedArray(Uint16Array, nnz);
  const cval = sharedArray(Float64Array, nnz);
  const next = new Int32Array(cols);
  for (let b = 0; b < blocks; b++) {
    const r0 = blockStart[b];
    const r1 = blockStart[b + 1];
    const c0 = b * (cols + 1);
    const p0 = rowStart[r0];
    const p1 = rowStart[r1];
    next.fill(0);
    for (let p = p0; p < p1; p++) next[col[p]]++;
    let at = p0;
    for (let k = 0; k < cols; k++) {
      colStart[c0 + k] = at;
      const n = next[k];
      next[k] = at;
      at += n;
    }
    colStart[c0 + cols] = at;
    for (let i = r0; i < r1; i++) {
      for (let p = rowStart[i], e = rowStart[i + 1]; p < e; p++) {
        const at2 = next[col[p]]++;
        row[at2] = i - r0;
        cval[at2] = val[p];
      }
    }
  }
  return { cols, colStart, row, val: cval };
}
