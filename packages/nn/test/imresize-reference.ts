/**
 * A second, dense-matrix implementation of MATLAB's `imresize(A, [h w])` (the one shipped is resizeCubic in
 * src/image/preprocess.ts), kept as the tests' reference. Image resizing the way imresize does by default: bicubic
 * (Keys, a = −0.5) with antialiasing, i.e. when shrinking, the kernel is stretched by 1/scale so every output pixel averages the
 * input pixels it covers instead of sampling them. Borders are mirrored (symmetric padding). The course's 20x20
 * digits look like MNIST's 28x28 digits passed through exactly this filter (hence their slightly negative and
 * >1 values).
 *
 * Only +, −, ×, ÷, floor and ceil are used, so the result is the same double on every IEEE-754 machine.
 */

/** Keys' cubic convolution kernel with a = −0.5 (MATLAB's `cubic`). */
export function cubic(x: number): number {
  const ax = Math.abs(x);
  const ax2 = ax * ax;
  const ax3 = ax2 * ax;
  if (ax <= 1) return 1.5 * ax3 - 2.5 * ax2 + 1;
  if (ax <= 2) return -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2;
  return 0;
}

/**
 * The outLen × inLen weight matrix (row-major) that resizes one dimension: output pixel j (1-based x = j + 1)
 * sits at input coordinate u = x/scale + (1 − 1/scale)/2 and takes the kernel-weighted, normalised sum of the
 * input pixels around it.
 */
export function resizeWeights(inLen: number, outLen: number): Float64Array {
  const scale = outLen / inLen;
  const antialias = scale < 1;
  const kernelScale = antialias ? scale : 1;
  const kernelWidth = antialias ? 4 / scale : 4;
  const taps = Math.ceil(kernelWidth) + 2;
  const W = new Float64Array(outLen * inLen);
  for (let j = 0; j < outLen; j++) {
    const u = (j + 1) / scale + 0.5 * (1 - 1 / scale);
    const left = Math.floor(u - kernelWidth / 2);
    let total = 0;
    const row = new Float64Array(inLen);
    for (let p = 0; p < taps; p++) {
      const index = left + p; // 1-based input index, possibly outside 1..inLen
      const w = kernelScale * cubic(kernelScale * (u - index));
      row[mirror(index - 1, inLen)] += w;
      total += w;
    }
    for (let i = 0; i < inLen; i++) W[j * inLen + i] = row[i] / total;
  }
  return W;
}

/** Symmetric padding: …, 1, 0 | 0, 1, …, n−1 | n−1, n−2, … (0-based). */
function mirror(k: number, n: number): number {
  const period = 2 * n;
  const m = ((k % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

/**
 * Resize a row-major `inH × inW` image to `outH × outW` (row-major): out = Wr · image · Wcᵀ, rows first.
 */
export function resizeImage(
  image: ArrayLike<number>,
  inH: number,
  inW: number,
  outH: number,
  outW: number,
  Wr: Float64Array = resizeWeights(inH, outH),
  Wc: Float64Array = resizeWeights(inW, outW),
): Float64Array {
  const tmp = new Float64Array(outH * inW); // Wr · image
  for (let r = 0; r < outH; r++) {
    for (let i = 0; i < inH; i++) {
      const w = Wr[r * inH + i];
      if (w === 0) continue;
      for (let c = 0; c < inW; c++) tmp[r * inW + c] += w * image[i * inW + c];
    }
  }
  const out = new Float64Array(outH * outW); // (Wr · image) · Wcᵀ
  for (let r = 0; r < outH; r++) {
    for (let c = 0; c < outW; c++) {
      let s = 0;
      for (let i = 0; i < inW; i++) s += tmp[r * inW + i] * Wc[c * inW + i];
      out[r * outW + c] = s;
    }
  }
  return out;
}
