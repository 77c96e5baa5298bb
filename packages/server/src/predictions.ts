import type { Matrix } from '@backprop/nn';

/** One input's answer: the human label, the label 1..K, and the output activation of every class. */
export interface Prediction {
  /** labelNames[argmax] — for the digit models label 10 is "0". */
  digit: string;
  /** argmax + 1, the seed's label numbering (1..K). */
  label: number;
  /** Output units h_k (sigmoid activations; they need not sum to 1). */
  probabilities: number[];
}

/** Turns the output activations h (m×K) into one Prediction per row. */
export function predictionsOf(h: Matrix, labelNames: readonly string[]): Prediction[] {
  const out: Prediction[] = new Array(h.rows);
  for (let i = 0; i < h.rows; i++) {
    const row = h.data.subarray(i * h.cols, (i + 1) * h.cols);
    let k = 0;
    for (let j = 1; j < row.length; j++) if (row[j] > row[k]) k = j;
    out[i] = { digit: labelNames[k], label: k + 1, probabilities: Array.from(row) };
  }
  return out;
}

function jsonNumber(v: number): string {
  return Number.isFinite(v) ? String(v) : 'null';
}

/**
 * The same answers as `JSON.stringify(predictionsOf(h, labelNames))`, written straight from h without building
 * the objects first.
 */
export function predictionsJson(h: Matrix, labelNames: readonly string[]): string {
  const K = h.cols;
  const d = h.data;
  let out = '[';
  for (let i = 0; i < h.rows; i++) {
    const o = i * K;
    let k = 0;
    for (let j = 1; j < K; j++) if (d[o + j] > d[o + k]) k = j;
    let probabilities = '';
    for (let j = 0; j < K; j++) probabilities += (j ? ',' : '') + jsonNumber(d[o + j]);
    out += `${i ? ',' : ''}{"digit":${JSON.stringify(labelNames[k])},"label":${k + 1},"probabilities":[${probabilities}]}`;
  }
  return out + ']';
}
