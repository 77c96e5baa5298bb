import type { Matrix } from '../../matrix.js';

/**
 * Compressed sparse rows of X. About 75% of digit pixels are exactly 0, and X is fixed across an optimiser's
 * evaluations, so the forward product X·W1ᵀ and the gradient product δ2ᵀ·X only visit non-zeros.
 */
export interface Csr {
  readonly rows: number;
  readonly cols: number;
  /** rowStart[i]..rowStart[i+1] index into col/val for row i. */
  readonly rowStart: Uint32Array;
  readonly col: Uint32Array;
  readonly val: Float64Array;
}

export function toCsr(X: Matrix): Csr {
  const { rows, cols, data } = X;
  let nnz = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) nnz++;
  const rowStart = new Uint32Array(rows + 1);
  const col = new Uint32Array(nnz);
  const val = new Float64Array(nnz);
  let k = 0;
  for (let i = 0; i < rows; i++) {
    rowStart[i] = k;
    const base = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = data[base + j];
      if (v !== 0) {
        col[k] = j;
        val[k] = v;
        k++;
      }
    }
  }
  rowStart[rows] = k;
  return { rows, cols, rowStart, col, val };
}

/** Fraction of non-zero entries. */
export function density(X: Matrix): number {
  let nnz = 0;
  for (let i = 0; i < X.data.length; i++) if (X.data[i] !== 0) nnz++;
  return X.data.length === 0 ? 0 : nnz / X.data.length;
}
