import type { Matrix } from '../../matrix.js';
import { checkLayers, parameterCount, thetaOffsets, type LayerSizes } from '../../network/layers.js';
import type { ResidentNetwork } from '../types.js';
import { toCsr, density, type Csr } from './sparse.js';

/** Below this fraction of non-zero inputs the first layer runs on the sparse (CSR) copy of X. */
const SPARSE_BELOW = 0.5;

/**
 * The pure-TypeScript forward/backward pass over a resident data set. Per layer l the weights are used transposed
 * (Wᵀ, s_{l-1} × s_l, copied from Θ once per call) so every inner loop runs over contiguous memory; the first layer
 * visits only the non-zeros of X; workspaces are allocated once per batch size and reused.
 */
export class TsNetwork implements ResidentNetwork {
  readonly backend = 'ts' as const;
  readonly layers: LayerSizes;
  readonly m: number;
  readonly parameterCount: number;
  private readonly n0: number;
  private readonly K: number;
  private X: Float64Array | null;
  private csr: Csr | null;
  private Y: Float64Array;
  private readonly offsets: number[];
  /** Transposed weights and transposed weight-gradients per layer (index l-1). */
  private readonly WT: Float64Array[];
  private readonly GT: Float64Array[];
  private readonly gBias: Float64Array[];
  /** Activations A_1..A_{L-1} (A_{L-1} = h) and deltas, sized for `capacity` rows. */
  private A: Float64Array[] = [];
  private D: Float64Array[] = [];
  private Z: Float64Array = new Float64Array(0);
  private capacity = 0;
  private allRows: Uint32Array | null = null;
  private disposed = false;

  constructor(layers: LayerSizes, X: Matrix, Y: Matrix) {
    this.layers = [...checkLayers(layers)];
    this.m = X.rows;
    this.n0 = layers[0];
    this.K = layers[layers.length - 1];
    this.parameterCount = parameterCount(layers);
    this.offsets = thetaOffsets(layers);
    if (density(X) < SPARSE_BELOW) {
      this.csr = toCsr(X);
      this.X = null;
    } else {
      this.csr = null;
      this.X = Float64Array.from(X.data);
    }
    this.Y = Float64Array.from(Y.data);
    this.WT = [];
    this.GT = [];
    this.gBias = [];
    for (let l = 1; l < layers.length; l++) {
      this.WT.push(new Float64Array(layers[l - 1] * layers[l]));
      this.GT.push(new Float64Array(layers[l - 1] * layers[l]));
      this.gBias.push(new Float64Array(layers[l]));
    }
  }

  private ensureCapacity(B: number): void {
    if (B <= this.capacity) return;
    const L = this.layers.length;
    this.A = [];
    this.D = [];
    for (let l = 1; l < L; l++) {
      this.A.push(new Float64Array(B * this.layers[l]));
      this.D.push(new Float64Array(B * this.layers[l]));
    }
    this.Z = new Float64Array(B * this.K);
    this.capacity = B;
  }

  private rowsAll(): Uint32Array {
    if (!this.allRows) {
      this.allRows = new Uint32Array(this.m);
      for (let i = 0; i < this.m; i++) this.allRows[i] = i;
    }
    return this.allRows;
  }

  costGradient(theta: Float64Array, lambda: number, grad: Float64Array, rows?: Uint32Array): number {
    if (this.disposed) throw new Error('network disposed');
    const idx = rows ?? this.rowsAll();
    const B = idx.length;
    this.ensureCapacity(B);
    const layers = this.layers;
    const L = layers.length;
    const K = this.K;

    // Wᵀ for every layer: WT[k*t + j] = Θ[j, k+1].
    for (let l = 1; l < L; l++) {
      const s = layers[l - 1];
      const t = layers[l];
      const WT = this.WT[l - 1];
      const off = this.offsets[l - 1];
      for (let j = 0; j < t; j++) {
        const base = off + j * (s + 1) + 1;
        for (let k = 0; k < s; k++) WT[k * t + j] = theta[base + k];
      }
    }

    // Forward pass.
    for (let l = 1; l < L; l++) {
      const t = layers[l];
      const out = l === L - 1 ? this.Z : this.A[l - 1];
      const WT = this.WT[l - 1];
      const off = this.offsets[l - 1];
      const s = layers[l - 1];
      for (let r = 0; r < B; r++) {
        const zo = r * t;
        for (let j = 0; j < t; j++) out[zo + j] = theta[off + j * (s + 1)];
        if (l === 1) this.addInputRow(idx[r], WT, t, out, zo);
        else {
          const Ain = this.A[l - 2];
          const ao = r * s;
          for (let k = 0; k < s; k++) {
            const a = Ain[ao + k];
            if (a === 0) continue;
            const wo = k * t;
            for (let j = 0; j < t; j++) out[zo + j] += a * WT[wo + j];
          }
        }
        if (l < L - 1) {
          for (let j = 0; j < t; j++) {
            const z = out[zo + j];
            out[zo + j] = z >= 0 ? 1 / (1 + Math.exp(-z)) : sig_neg(z);
          }
        }
      }
    }

    // Output: stable cross-entropy from the pre-activations, δ_L = h − y.
    const h = this.A[L - 2];
    const dL = this.D[L - 2];
    const Y = this.Y;
    const Z = this.Z;
    let J = 0;
    for (let r = 0; r < B; r++) {
      const yo = idx[r] * K;
      const zo = r * K;
      for (let k = 0; k < K; k++) {
        const z = Z[zo + k];
        const y = Y[yo + k];
        const e = Math.log1p(Math.exp(-Math.abs(z)));
        // softplus(z) = max(z,0)+e ; softplus(−z) = max(−z,0)+e
        J += y * ((z < 0 ? -z : 0) + e) + (1 - y) * ((z > 0 ? z : 0) + e);
        const a = z >= 0 ? 1 / (1 + Math.exp(-z)) : sig_neg(z);
        h[zo + k] = a;
        dL[zo + k] = a - y;
      }
    }
    J /= B;

    // Backward pass: gradients of Θ_l from δ_l and A_{l-1}; δ_{l-1} = (δ_l W_l) ⊙ a(1−a).
    for (let l = L - 1; l >= 1; l--) {
      const s = layers[l - 1];
      const t = layers[l];
      const GT = this.GT[l - 1];
      const gb = this.gBias[l - 1];
      const WT = this.WT[l - 1];
      const d = this.D[l - 1];
      GT.fill(0);
      gb.fill(0);
      for (let r = 0; r < B; r++) {
        const dro = r * t;
        for (let j = 0; j < t; j++) gb[j] += d[dro + j];
        if (l === 1) this.accumulateInputRow(idx[r], d, dro, GT, t);
        else {
          const Ain = this.A[l - 2];
          const ao = r * s;
          for (let k = 0; k < s; k++) {
            const a = Ain[ao + k];
            if (a === 0) continue;
            const go = k * t;
            for (let j = 0; j < t; j++) GT[go + j] += a * d[dro + j];
          }
        }
      }
      if (l > 1) {
        const dPrev = this.D[l - 2];
        const Ain = this.A[l - 2];
        for (let r = 0; r < B; r++) {
          const dro = r * t;
          const po = r * s;
          for (let k = 0; k < s; k++) {
            const wo = k * t;
            let acc = 0;
            for (let j = 0; j < t; j++) acc += WT[wo + j] * d[dro + j];
            const a = Ain[po + k];
            dPrev[po + k] = acc * a * (1 - a);
          }
        }
      }
    }

    // Assemble the gradient in Θ layout, divide by m, regularise non-bias columns; add the penalty to J.
    let penalty = 0;
    const scale = 1 / B;
    const reg = lambda / B;
    for (let l = 1; l < L; l++) {
      const s = layers[l - 1];
      const t = layers[l];
      const off = this.offsets[l - 1];
      const GT = this.GT[l - 1];
      const gb = this.gBias[l - 1];
      for (let j = 0; j < t; j++) {
        const row = off + j * (s + 1);
        grad[row] = gb[j] * scale;
        for (let k = 0; k < s; k++) {
          const w = theta[row + 1 + k];
          penalty += w * w;
          grad[row + 1 + k] = GT[k * t + j] * scale + reg * w;
        }
      }
    }
    return J + (lambda / (2 * B)) * penalty;
  }

  private addInputRow(i: number, WT: Float64Array, t: number, out: Float64Array, zo: number): void {
    const csr = this.csr;
    if (csr) {
      const { rowStart, col, val } = csr;
      for (let p = rowStart[i], e = rowStart[i + 1]; p < e; p++) {
        const v = val[p];
        const wo = col[p] * t;
        for (let j = 0; j < t; j++) out[zo + j] += v * WT[wo + j];
      }
      return;
    }
    const X = this.X as Float64Array;
    const n = this.n0;
    const xo = i * n;
    for (let k = 0; k < n; k++) {
      const v = X[xo + k];
      if (v === 0) continue;
      const wo = k * t;
      for (let j = 0; j < t; j++) out[zo + j] += v * WT[wo + j];
    }
  }

  private accumulateInputRow(i: number, d: Float64Array, dro: number, GT: Float64Array, t: number): void {
    const csr = this.csr;
    if (csr) {
      const { rowStart, col, val } = csr;
      for (let p = rowStart[i], e = rowStart[i + 1]; p < e; p++) {
        const v = val[p];
        const go = col[p] * t;
        for (let j = 0; j < t; j++) GT[go + j] += v * d[dro + j];
      }
      return;
    }
    const X = this.X as Float64Array;
    const n = this.n0;
    const xo = i * n;
    for (let k = 0; k < n; k++) {
      const v = X[xo + k];
      if (v === 0) continue;
      const go = k * t;
      for (let j = 0; j < t; j++) GT[go + j] += v * d[dro + j];
    }
  }

  async costGradientAsync(theta: Float64Array, lambda: number, grad: Float64Array, rows?: Uint32Array): Promise<number> {
    return this.costGradient(theta, lambda, grad, rows);
  }

  dispose(): void {
    this.disposed = true;
    this.X = null;
    this.csr = null;
    this.Y = new Float64Array(0);
    this.A = [];
    this.D = [];
    this.capacity = 0;
  }
}

function sig_neg(z: number): number {
  const e = Math.exp(z);
  return e / (1 + e);
}
