import { ShapeError } from './errors.js';

/**
 * A dense row-major matrix of doubles: element (i, j) is `data[i * cols + j]`.
 * MAT-files store column-major; readers convert to this layout. Vectors are 1×n or n×1 matrices.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export function matrix(rows: number, cols: number, data?: Float64Array | ArrayLike<number>): Matrix {
  if (!Number.isSafeInteger(rows) || rows < 0 || !Number.isSafeInteger(cols) || cols < 0) {
    throw new ShapeError(`matrix dimensions must be non-negative integers, got ${rows}x${cols}`);
  }
  const n = rows * cols;
  if (data === undefined) return { rows, cols, data: new Float64Array(n) };
  if (data.length !== n) {
    throw new ShapeError(`matrix ${rows}x${cols} needs ${n} values, got ${data.length}`);
  }
  return { rows, cols, data: data instanceof Float64Array ? data : Float64Array.from(data) };
}

/** Nested row arrays, e.g. for JSON or test comparison. */
export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0].length;
  const data = new Float64Array(r * c);
  rows.forEach((row, i) => {
    if (row.length !== c) throw new ShapeError(`row ${i} has ${row.length} values, expected ${c}`);
    data.set(row, i * c);
  });
  return { rows: r, cols: c, data };
}

/** Transpose into a new matrix. */
export function transpose(m: Matrix): Matrix {
  const out = new Float64Array(m.rows * m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out[j * m.rows + i] = m.data[i * m.cols + j];
  return { rows: m.cols, cols: m.rows, data: out };
}

/** Convert column-major storage (MATLAB/Fortran order) of a rows×cols matrix into a row-major Matrix. */
export function fromColumnMajor(rows: number, cols: number, colMajor: ArrayLike<number>): Matrix {
  if (colMajor.length !== rows * cols) {
    throw new ShapeError(`column-major ${rows}x${cols} needs ${rows * cols} values, got ${colMajor.length}`);
  }
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) out[i * cols + j] = colMajor[j * rows + i];
  return { rows, cols, data: out };
}

/** Column-major copy of a row-major Matrix (for writing MAT-files). */
export function toColumnMajor(m: Matrix): Float64Array {
  return transpose(m).data;
}
