import { ShapeError } from '../errors.js';

/** counts[a − 1][p − 1] = how many examples of true label a were predicted as p (labels 1..K). */
export interface ConfusionMatrix {
  K: number;
  counts: number[][];
}

export interface ClassMetrics {
  /** Label 1..K. */
  label: number;
  /** Of the examples predicted as this label, the fraction that are it (NaN when none were predicted). */
  precision: number;
  /** Of the examples of this label, the fraction predicted as it (NaN when there are none). */
  recall: number;
  /** Examples of this label. */
  support: number;
}

export function confusionMatrix(actual: ArrayLike<number>, predicted: ArrayLike<number>, K: number): ConfusionMatrix {
  if (!Number.isSafeInteger(K) || K < 1) throw new ShapeError(`K: expected a positive integer, got ${K}`);
  if (actual.length !== predicted.length) {
    throw new ShapeError(`confusion matrix: ${predicted.length} predictions for ${actual.length} labels`);
  }
  const counts = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const p = predicted[i];
    for (const [name, v] of [['actual', a], ['predicted', p]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > K) throw new ShapeError(`${name}[${i}] = ${v}: labels must be integers in 1..${K}`);
    }
    counts[a - 1][p - 1]++;
  }
  return { K, counts };
}

/** Per-class precision and recall from a confusion matrix. */
export function classMetrics(cm: ConfusionMatrix): ClassMetrics[] {
  const out: ClassMetrics[] = [];
  for (let k = 0; k < cm.K; k++) {
    let support = 0;
    let predictedAs = 0;
    for (let j = 0; j < cm.K; j++) {
      support += cm.counts[k][j];
      predictedAs += cm.counts[j][k];
    }
    const hits = cm.counts[k][k];
    out.push({ label: k + 1, precision: predictedAs ? hits / predictedAs : NaN, recall: support ? hits / support : NaN, support });
  }
  return out;
}

/**
 * The order to show labels in: by human label when every name is a number (digits 0, 1, …, 9 — so label 10 = "0"
 * comes first), otherwise by label. Returns labels 1..K.
 */
export function displayOrder(labelNames: readonly string[]): number[] {
  const labels = labelNames.map((_, i) => i + 1);
  const numeric = labelNames.every((s) => s.trim() !== '' && Number.isFinite(Number(s)));
  return numeric ? labels.sort((a, b) => Number(labelNames[a - 1]) - Number(labelNames[b - 1])) : labels;
}
