/**
 * The inner loops of one layer of width t, in two interchangeable forms with the same summation order (so they give
 * bit-identical results):
 *
 * - `generatedKernels(t)`: source text specialised for t, compiled once per t with `new Function` and cached. Each
 *   loop keeps a chunk of up to ~8–12 accumulators in locals (registers), so the hot loops over the non-zeros of X
 *   store nothing per non-zero, and every index is a constant offset from one base.
 * - `genericKernels(t)`: plain loops over j that accumulate in memory; used for very wide layers (where generated
 *   code would be huge) and as the reference the generated kernels are tested against.
 *
 * Shapes and names follow the seed: per layer l, Wᵀ is `WT` (s × t, WT[k·t + j] = Θ_l[j, 1 + k]), `b` the bias
 * column Θ_l[:, 0], activations `A` (rows × s), deltas `D` (rows × t). Gradient accumulators `G` are a shard's
 * partial gradient: for each layer the bias sums (t) then the weight sums in the transposed layout (s × t), at
 * offset `g0`.
 */

/** Column indices of the compressed rows of X: 16-bit while X has at most 65 536 columns. */
export type IndexArray = Uint16Array | Uint32Array;

/**
 * A thread's own vectors (Wᵀ, bias, activations, deltas) are plain arrays of doubles: V8 reads a packed double
 * array with one instruction fewer than a typed array (no base-pointer add per access), which is ~13% of the
 * hot loops. Shared data (X, Y, θ, gradient sums) stay typed arrays over shared memory.
 */
export type Vec = number[];

/** A packed array of n doubles (V8 keeps PACKED_DOUBLE_ELEMENTS: no hole checks, unboxed storage). */
export function doubles(n: number): Vec {
  const a: Vec = [];
  for (let i = 0; i < n; i++) a.push(0.5);
  return a;
}

export interface LayerKernels {
  readonly t: number;
  readonly generated: boolean;
  /** out[q−q0, :] = b + X[rows[q], :]·W (σ applied when activate = 1), X in compressed rows. */
  forwardSparse(
    rows: Uint32Array, q0: number, q1: number, rowStart: Int32Array, col: IndexArray, val: Float64Array,
    WT: Vec, b: Vec, out: Vec, activate: number,
  ): void;
  /** out[i, :] = b + A[i, :]·W for i < R (σ applied when activate = 1). */
  forwardDense(A: Vec, s: number, R: number, WT: Vec, b: Vec, out: Vec, activate: number): void;
  /** Dprev[i, k] = (Σ_j D[i, j]·W[j, k]) · a(1 − a), a = A[i, k]: the seed's δ2 = δ3·Θ2 ⊙ g'(z2). */
  backpropDelta(D: Vec, R: number, WT: Vec, s: number, A: Vec, Dprev: Vec): void;
  /** G[g0 + j] += Σ_i D[i, j]: the bias column of Δ. */
  accumulateBias(D: Vec, R: number, G: Float64Array, g0: number): void;
  /** G[g0 + k·t + j] += Σ_i A[i, k]·D[i, j]: Δ_l += δᵀ·a for dense activations. */
  accumulateGradDense(A: Vec, s: number, R: number, D: Vec, G: Float64Array, g0: number): void;
  /**
   * G[g0 + k·t + j] += Σ_p val[p]·D[row[p], j] over column k of one sub-block of X in compressed columns
   * (colStart[c0 + k] .. colStart[c0 + k + 1]; row = row within the sub-block, ascending).
   */
  accumulateGradCsc(
    n: number, colStart: Int32Array, c0: number, row: Uint16Array, val: Float64Array, D: Vec, G: Float64Array,
    g0: number,
  ): void;
  /** The same product from compressed rows, for minibatches: row by row, δ in locals, Δ in memory. */
  accumulateGradCsr(
    rows: Uint32Array, q0: number, q1: number, rowStart: Int32Array, col: IndexArray, val: Float64Array,
    D: Vec, G: Float64Array, g0: number,
  ): void;
}

/** The logistic function, written so exp never overflows. The generated source below repeats it verbatim. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

const SIGMOID_SOURCE = `function sigmoid(z) {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}`;

// ---------------------------------------------------------------------------------------------------------------
// Generic kernels: loops over j, accumulating in memory.

export function genericKernels(t: number): LayerKernels {
  const T = t;
  return {
    t,
    generated: false,
    forwardSparse(rows, q0, q1, rowStart, col, val, WT, b, out, activate) {
      for (let q = q0, o = 0; q < q1; q++, o += T) {
        const i = rows[q];
        for (let j = 0; j < T; j++) out[o + j] = b[j];
        for (let p = rowStart[i], p1 = rowStart[i + 1]; p < p1; p++) {
          const v = val[p];
          const w = col[p] * T;
          for (let j = 0; j < T; j++) out[o + j] += v * WT[w + j];
        }
        if (activate === 1) for (let j = 0; j < T; j++) out[o + j] = sigmoid(out[o + j]);
      }
    },
    forwardDense(A, s, R, WT, b, out, activate) {
      for (let i = 0, a0 = 0, o = 0; i < R; i++, a0 += s, o += T) {
        for (let j = 0; j < T; j++) out[o + j] = b[j];
        for (let k = 0, w = 0; k < s; k++, w += T) {
          const a = A[a0 + k];
          for (let j = 0; j < T; j++) out[o + j] += a * WT[w + j];
        }
        if (activate === 1) for (let j = 0; j < T; j++) out[o + j] = sigmoid(out[o + j]);
      }
    },
    backpropDelta(D, R, WT, s, A, Dprev) {
      for (let i = 0, o = 0, po = 0; i < R; i++, o += T, po += s) {
        for (let k = 0, w = 0; k < s; k++, w += T) {
          let acc = 0;
          for (let j = 0; j < T; j++) acc += D[o + j] * WT[w + j];
          const a = A[po + k];
          Dprev[po + k] = acc * a * (1 - a);
        }
      }
    },
    accumulateBias(D, R, G, g0) {
      for (let i = 0, o = 0; i < R; i++, o += T) for (let j = 0; j < T; j++) G[g0 + j] += D[o + j];
    },
    accumulateGradDense(A, s, R, D, G, g0) {
      for (let k = 0, g = g0; k < s; k++, g += T) {
        for (let i = 0, a = k, o = 0; i < R; i++, a += s, o += T) {
          const ak = A[a];
          for (let j = 0; j < T; j++) G[g + j] += ak * D[o + j];
        }
      }
    },
    accumulateGradCsc(n, colStart, c0, row, val, D, G, g0) {
      for (let k = 0, g = g0; k < n; k++, g += T) {
        for (let p = colStart[c0 + k], p1 = colStart[c0 + k + 1]; p < p1; p++) {
          const v = val[p];
          const o = row[p] * T;
          for (let j = 0; j < T; j++) G[g + j] += v * D[o + j];
        }
      }
    },
    accumulateGradCsr(rows, q0, q1, rowStart, col, val, D, G, g0) {
      for (let q = q0, o = 0; q < q1; q++, o += T) {
        const i = rows[q];
        for (let p = rowStart[i], p1 = rowStart[i + 1]; p < p1; p++) {
          const v = val[p];
          const g = g0 + col[p] * T;
          for (let j = 0; j < T; j++) G[g + j] += v * D[o + j];
        }
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Generated kernels.

/** Widest layer that gets generated kernels; wider layers use the generic loops (their source would be huge). */
export const MAX_GENERATED_WIDTH = 256;

/**
 * Accumulators per chunk: x86-64 has 16 vector registers and V8 keeps one for scratch, so a chunk holds at most
 * ~12 running sums plus the operands. Chosen by measurement on the digits data set (layers [400, 25, 10]).
 */
const CHUNK = { forward: 9, gradCsc: 9, gradCsr: 9, gradDense: 10, delta: 6, bias: 10 } as const;
/** Columns of Θ handled together in backpropDelta (independent sums, so the adds do not wait on each other). */
const DELTA_COLUMNS = 4;

/** 0..t−1 split into ⌈t / width⌉ consecutive chunks whose sizes differ by at most one. */
export function chunks(t: number, width: number): number[][] {
  const n = Math.ceil(t / width);
  const out: number[][] = [];
  for (let c = 0, j = 0; c < n; c++) {
    const size = Math.floor(t / n) + (c < t % n ? 1 : 0);
    const js: number[] = [];
    for (let e = j + size; j < e; j++) js.push(j);
    out.push(js);
  }
  return out;
}

const plus = (j: number): string => (j === 0 ? '' : ` + ${j}`);
const each = (js: number[], f: (j: number) => string, sep = ' '): string => js.map(f).join(sep);

function forwardSparseSource(t: number): string {
  const body = chunks(t, CHUNK.forward)
    .map(
      (js) => `{
      ${each(js, (j) => `let z${j} = b[${j}];`)}
      for (let p = p0; p < p1; p++) {
        const v = val[p], w = col[p] * ${t};
        ${each(js, (j) => `z${j} += v * WT[w${plus(j)}];`)}
      }
      ${each(js, (j) => `out[o${plus(j)}] = z${j};`)}
    }`,
    )
    .join('\n');
  return `return function forwardSparse${t}(rows, q0, q1, rowStart, col, val, WT, b, out, activate) {
  for (let q = q0, o = 0; q < q1; q++, o += ${t}) {
    const i = rows[q], p0 = rowStart[i], p1 = rowStart[i + 1];
    ${body}
    if (activate === 1) for (let j = o; j < o + ${t}; j++) out[j] = sigmoid(out[j]);
  }
};`;
}

function forwardDenseSource(t: number): string {
  const body = chunks(t, CHUNK.forward)
    .map(
      (js) => `{
      ${each(js, (j) => `let z${j} = b[${j}];`)}
      for (let k = 0, w = 0; k < s; k++, w += ${t}) {
        const a = A[a0 + k];
        ${each(js, (j) => `z${j} += a * WT[w${plus(j)}];`)}
      }
      ${each(js, (j) => `out[o${plus(j)}] = z${j};`)}
    }`,
    )
    .join('\n');
  return `return function forwardDense${t}(A, s, R, WT, b, out, activate) {
  for (let i = 0, a0 = 0, o = 0; i < R; i++, a0 += s, o += ${t}) {
    ${body}
    if (activate === 1) for (let j = o; j < o + ${t}; j++) out[j] = sigmoid(out[j]);
  }
};`;
}

/**
 * Per row: one chunk of δ in locals; DELTA_COLUMNS columns k of Θ at a time, each summed over j in order. The
 * first chunk starts each sum from 0, later chunks continue from the stored partial sum, the last one applies
 * a(1 − a) — the same additions in the same order as the generic loop.
 */
function backpropDeltaSource(t: number): string {
  const parts = chunks(t, CHUNK.delta);
  // Unrolling over columns multiplies the source by U: wide layers stay one column at a time, so the function
  // stays under V8's size limit for optimisation (~60 KB of bytecode; beyond it the code runs unoptimised).
  const U = t <= 96 ? DELTA_COLUMNS : 1;
  const cols = Array.from({ length: U }, (_, u) => u);
  const chunkCode = (js: number[], first: boolean, last: boolean): string => {
    const start = (u: number): string => (first ? `let sum${u} = 0;` : `let sum${u} = Dprev[po + k${plus(u)}];`);
    const add = (u: number): string => each(js, (j) => `sum${u} += d${j} * WT[w${plus(u * t + j)}];`);
    const finish = (u: number): string =>
      last
        ? `{ const a = A[po + k${plus(u)}]; Dprev[po + k${plus(u)}] = sum${u} * a * (1 - a); }`
        : `Dprev[po + k${plus(u)}] = sum${u};`;
    const one = (u: number): string => `${start(u)} ${add(u)} ${finish(u)}`;
    return `{
      ${each(js, (j) => `const d${j} = D[o${plus(j)}];`)}
      let k = 0, w = 0;
      for (; k + ${U} <= s; k += ${U}, w += ${U * t}) {
        ${each(cols, start)}
        ${each(cols, add, '\n        ')}
        ${each(cols, finish)}
      }
      for (; k < s; k++, w += ${t}) { ${one(0)} }
    }`;
  };
  const body = parts.map((js, c) => chunkCode(js, c === 0, c === parts.length - 1)).join('\n');
  return `return function backpropDelta${t}(D, R, WT, s, A, Dprev) {
  for (let i = 0, o = 0, po = 0; i < R; i++, o += ${t}, po += s) {
    ${body}
  }
};`;
}

function accumulateBiasSource(t: number): string {
  const body = chunks(t, CHUNK.bias)
    .map(
      (js) => `{
    ${each(js, (j) => `let g_${j} = G[g0${plus(j)}];`)}
    for (let i = 0, o = 0; i < R; i++, o += ${t}) { ${each(js, (j) => `g_${j} += D[o${plus(j)}];`)} }
    ${each(js, (j) => `G[g0${plus(j)}] = g_${j};`)}
  }`,
    )
    .join('\n');
  return `return function accumulateBias${t}(D, R, G, g0) {
  ${body}
};`;
}

function accumulateGradDenseSource(t: number): string {
  const body = chunks(t, CHUNK.gradDense)
    .map(
      (js) => `{
      ${each(js, (j) => `let g_${j} = G[g${plus(j)}];`)}
      for (let i = 0, a = k, o = 0; i < R; i++, a += s, o += ${t}) {
        const ak = A[a];
        ${each(js, (j) => `g_${j} += ak * D[o${plus(j)}];`)}
      }
      ${each(js, (j) => `G[g${plus(j)}] = g_${j};`)}
    }`,
    )
    .join('\n');
  return `return function accumulateGradDense${t}(A, s, R, D, G, g0) {
  for (let k = 0, g = g0; k < s; k++, g += ${t}) {
    ${body}
  }
};`;
}

function accumulateGradCscSource(t: number): string {
  const body = chunks(t, CHUNK.gradCsc)
    .map(
      (js) => `{
      ${each(js, (j) => `let g_${j} = G[g${plus(j)}];`)}
      for (let p = p0; p < p1; p++) {
        const v = val[p], o = row[p] * ${t};
        ${each(js, (j) => `g_${j} += v * D[o${plus(j)}];`)}
      }
      ${each(js, (j) => `G[g${plus(j)}] = g_${j};`)}
    }`,
    )
    .join('\n');
  return `return function accumulateGradCsc${t}(n, colStart, c0, row, val, D, G, g0) {
  for (let k = 0, g = g0; k < n; k++, g += ${t}) {
    const p0 = colStart[c0 + k], p1 = colStart[c0 + k + 1];
    if (p0 === p1) continue;
    ${body}
  }
};`;
}

function accumulateGradCsrSource(t: number): string {
  const body = chunks(t, CHUNK.gradCsr)
    .map(
      (js) => `{
      ${each(js, (j) => `const d${j} = D[o${plus(j)}];`)}
      for (let p = p0; p < p1; p++) {
        const v = val[p], g = g0 + col[p] * ${t};
        ${each(js, (j) => `G[g${plus(j)}] += v * d${j};`)}
      }
    }`,
    )
    .join('\n');
  return `return function accumulateGradCsr${t}(rows, q0, q1, rowStart, col, val, D, G, g0) {
  for (let q = q0, o = 0; q < q1; q++, o += ${t}) {
    const i = rows[q], p0 = rowStart[i], p1 = rowStart[i + 1];
    ${body}
  }
};`;
}

/** Compiles one kernel's source with the sigmoid helper in scope. */
function compile<F>(source: string): F {
  return new Function(`'use strict';\n${SIGMOID_SOURCE}\n${source}`)() as F;
}

/** The generated source of every kernel for width t (for inspection and tests). */
export function kernelSources(t: number): Record<string, string> {
  return {
    forwardSparse: forwardSparseSource(t),
    forwardDense: forwardDenseSource(t),
    backpropDelta: backpropDeltaSource(t),
    accumulateBias: accumulateBiasSource(t),
    accumulateGradDense: accumulateGradDenseSource(t),
    accumulateGradCsc: accumulateGradCscSource(t),
    accumulateGradCsr: accumulateGradCsrSource(t),
  };
}

const generatedCache = new Map<number, LayerKernels>();

/** Kernels specialised for width t (1 ≤ t ≤ MAX_GENERATED_WIDTH), compiled on first use and cached per t. */
export function generatedKernels(t: number): LayerKernels {
  const hit = generatedCache.get(t);
  if (hit) return hit;
  const src = kernelSources(t);
  const k: LayerKernels = {
    t,
    generated: true,
    forwardSparse: compile(src.forwardSparse),
    forwardDense: compile(src.forwardDense),
    backpropDelta: compile(src.backpropDelta),
    accumulateBias: compile(src.accumulateBias),
    accumulateGradDense: compile(src.accumulateGradDense),
    accumulateGradCsc: compile(src.accumulateGradCsc),
    accumulateGradCsr: compile(src.accumulateGradCsr),
  };
  generatedCache.set(t, k);
  return k;
}

export type KernelChoice = 'auto' | 'generated' | 'generic';

/** Generated kernels where they pay (every width up to MAX_GENERATED_WIDTH), generic loops otherwise. */
export function kernelsFor(t: number, choice: KernelChoice = 'auto'): LayerKernels {
  if (choice === 'generic') return genericKernels(t);
  if (choice === 'generated' || t <= MAX_GENERATED_WIDTH) return generatedKernels(t);
  return genericKernels(t);
}
