import type { Matrix } from '../../matrix.js';
import { ShapeError } from '../../errors.js';
import type { Dtype, FloatArray } from '../../network/dtype.js';

type TypedArrayClass<T> = { new (buffer: ArrayBufferLike): T; readonly BYTES_PER_ELEMENT: number };

/** A zeroed typed array over a SharedArrayBuffer, which worker threads read and write without copies. */
export function sharedArray<T>(Type: TypedArrayClass<T>, length: number): T {
  return new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT));
}

/** A zeroed shared array of the dtype's numbers (Float32Array or Float64Array). */
export function sharedFloats(dtype: Dtype, length: number): FloatArray {
  return dtype === 'float32' ? sharedArray(Float32Array, length) : sharedArray(Float64Array, length);
}

/**
 * X in compressed sparse rows: row i's non-zeros are rowStart[i] .. rowStart[i+1] in col (16-bit while X has at
 * most 65 536 columns) and val. About half the digit pixels are exactly 0 and X is fixed across an optimiser's
 * evaluations, so the forward product X·W1ᵀ and the gradient product δ2ᵀ·X only visit non-zeros. In shared memory,
 * so worker threads read the same copy. Values are stored in the dtype (float32: rounded to nearest).
 */
export function toCsr(X: Matrix, dtype: Dtype = 'float64') {
  const { rows, cols, data } = X;
  let nnz = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) nnz++;
  if (nnz > 0x7fffffff) throw new ShapeError(`X: expected at most 2³¹−1 non-zero entries, got ${nnz}`);
  const rowStart = sharedArray(Int32Array, rows + 1);
  const col = cols <= 0x10000 ? sharedArray(Uint16Array, nnz) : sharedArray(Uint32Array, nnz);
  const val = sharedFloats(dtype, nnz);
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
  return { rows, cols, rowStart, col, val: val as FloatArray };
}

/**
 * X in compressed columns, one block of rows [blockStart[b], blockStart[b+1]) at a time (at most 65 535 rows, the
 * sub-blocks of the full batch): column k of block b has the non-zeros colStart[b·(cols+1) + k] ..
 * colStart[b·(cols+1) + k + 1], with the row inside the block and the value. Within a column, rows ascend — the
 * order in which the gradient sums run.
 */
export function toCscBlocks(csr: ReturnType<typeof toCsr>, blockStart: Int32Array) {
  const { cols, rowStart, col, val } = csr;
  const blocks = blockStart.length - 1;
  const nnz = val.length;
  const colStart = sharedArray(Int32Array, blocks * (cols + 1));
  const row = sharedArray(Uint16Array, nnz);
  const cval: FloatArray = val instanceof Float32Array ? sharedArray(Float32Array, nnz) : sharedArray(Float64Array, nnz);
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
