import { DIGIT_LABEL_NAMES } from './dataset.js';

/**
 * How numeric label values in a file become the course's labels 1..K:
 * - `one-based`: values are already 1..K (ex4data1.mat, Octave/MATLAB data);
 * - `zero-based`: values 0..K−1 become 1..K;
 * - `digits`: handwritten digits, 0..9 or the course's 1..10; digit 0 (written 0 or 10) becomes label 10, and
 *   K = 10 with names '1'..'9', '0'.
 * Under `one-based` and `zero-based` a label's name is the value as written, so the two differ only in K.
 */
export type LabelMapping = 'one-based' | 'zero-based' | 'digits';

/**
 * How a CSV's label cells become labels: one of the numeric mappings, `names` (each distinct text is a class, in
 * sorted order: numbers by value, then text), or `auto` (integers → `zero-based` when a 0 occurs, else
 * `one-based`; anything else → `names`).
 */
export type LabelRule = LabelMapping | 'names' | 'auto';

export const LABEL_RULES: readonly LabelRule[] = ['one-based', 'zero-based', 'digits', 'names', 'auto'];

/** Largest accepted label (K ≤ this): a label is also a class count, and K class names are made from it. */
export const MAX_LABEL = 65_536;

/** The label for a value, or undefined when the value is not a valid label under the mapping. */
export function mapLabel(value: number, mapping: LabelMapping): number | undefined {
  if (!Number.isInteger(value)) return undefined;
  switch (mapping) {
    case 'one-based':
      return value >= 1 && value <= MAX_LABEL ? value : undefined;
    case 'zero-based':
      return value >= 0 && value < MAX_LABEL ? value + 1 : undefined;
    case 'digits':
      return value >= 0 && value <= 10 ? (value === 0 ? 10 : value) : undefined;
  }
}

/** What the mapping expects, for error messages. */
export function describeMapping(mapping: LabelMapping): string {
  switch (mapping) {
    case 'one-based':
      return `integers 1..K, K <= ${MAX_LABEL} (labels "zero-based" reads 0..K-1, "digits" digits 0..9, "names" any text)`;
    case 'zero-based':
      return `integers 0..K-1, K <= ${MAX_LABEL}`;
    case 'digits':
      return 'digits 0..9 (or the course labels 1..10)';
  }
}

/** K and label names implied by the mapping and the largest label seen. */
export function classesFor(mapping: LabelMapping, maxLabel: number, labelNames?: readonly string[]) {
  if (labelNames) return { K: labelNames.length, labelNames: [...labelNames] };
  if (mapping === 'digits') return { K: 10, labelNames: [...DIGIT_LABEL_NAMES] };
  const K = Math.max(1, maxLabel);
  return { K, labelNames: Array.from({ length: K }, (_, k) => String(mapping === 'zero-based' ? k : k + 1)) };
}

const NUMERIC_NAME = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Class names in a stable order: names that are numbers by value, then the others by code unit. */
export function compareClassNames(a: string, b: string): number {
  const na = NUMERIC_NAME.test(a);
  const nb = NUMERIC_NAME.test(b);
  if (na && nb) return Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
