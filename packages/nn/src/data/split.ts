/**
 * Seeded train / validation / test splits. The same seed gives the same split on every machine (Rng from
 * ../random.js). Each part keeps the rows in their original relative order; only membership is random.
 */
import { InvalidArgumentError } from '../errors.js';
import { checkSeed, Rng } from '../random.js';
import { type Dataset, makeDataset } from './dataset.js';

export interface SplitOptions {
  /** Fraction of rows for validation, in [0, 1). Default 0 (no validation part). */
  validation?: number;
  /** Fraction of rows for test, in [0, 1). Default 0 (no test part). */
  test?: number;
  /** Seed for the shuffle. Default 0. */
  seed?: number;
  /** Split each class separately, so every part keeps the class proportions. Default false. */
  stratify?: boolean;
}

export interface DatasetSplit {
  train: Dataset;
  validation?: Dataset;
  test?: Dataset;
}

/**
 * Split `ds` into train / validation / test. A part of fraction f gets round(f · m) rows (at least 1 when f > 0);
 * with `stratify`, each class contributes round(f · its count) rows.
 */
export function splitDataset(ds: Dataset, options: SplitOptions = {}): DatasetSplit {
  const validation = fraction(options.validation, 'validation');
  const test = fraction(options.test, 'test');
  if (validation + test >= 1) {
    throw new InvalidArgumentError(
      `options.validation + options.test must be below 1 to leave rows for training, got ${validation} + ${test}`,
    );
  }
  const rng = new Rng(checkSeed(options.seed ?? 0, 'options.seed'));
  const m = ds.X.rows;
  const parts = { train: [] as number[], validation: [] as number[], test: [] as number[] };
  const groups = options.stratify ? byClass(ds) : [Array.from({ length: m }, (_, i) => i)];
  for (const group of groups) {
    rng.shuffle(group);
    const nTest = count(test, group.length, !options.stratify);
    const nValidation = count(validation, group.length, !options.stratify);
    parts.test.push(...group.slice(0, nTest));
    parts.validation.push(...group.slice(nTest, nTest + nValidation));
    parts.train.push(...group.slice(nTest + nValidation));
  }
  for (const [part, f] of [['validation', validation], ['test', test], ['train', 1]] as const) {
    if (f > 0 && parts[part].length === 0) {
      throw new InvalidArgumentError(`${ds.name}: ${m} rows are too few to give the ${part} part any rows`);
    }
  }
  const out: DatasetSplit = { train: subsetDataset(ds, parts.train, `${ds.name}:train`) };
  if (validation > 0) out.validation = subsetDataset(ds, parts.validation, `${ds.name}:validation`);
  if (test > 0) out.test = subsetDataset(ds, parts.test, `${ds.name}:test`);
  return out;
}

/** The rows `indices` of `ds` (sorted into their original order) as a new Dataset named `name`. */
export function subsetDataset(ds: Dataset, indices: readonly number[], name: string): Dataset {
  const rows = [...indices].sort((a, b) => a - b);
  const n = ds.X.cols;
  const data = new Float64Array(rows.length * n);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    if (!Number.isInteger(r) || r < 0 || r >= ds.X.rows) {
      throw new InvalidArgumentError(`indices: row ${r} is outside 0..${ds.X.rows - 1}`);
    }
    data.set(ds.X.data.subarray(r * n, (r + 1) * n), i * n);
    y[i] = ds.y[r];
  });
  return makeDataset({
    name,
    X: { rows: rows.length, cols: n, data },
    y,
    K: ds.K,
    labelNames: ds.labelNames,
    imageShape: ds.imageShape,
    pixelOrderKnown: ds.pixelOrderKnown,
  });
}

function fraction(f: number | undefined, name: string): number {
  if (f === undefined) return 0;
  if (typeof f !== 'number' || !(f >= 0 && f < 1)) {
    throw new InvalidArgumentError(`options.${name}: expected a fraction in [0, 1), got ${f}`);
  }
  return f;
}

function count(f: number, n: number, atLeastOne: boolean): number {
  if (f === 0) return 0;
  const k = Math.round(f * n);
  return atLeastOne ? Math.max(1, k) : k;
}

/** Row indices grouped by label, classes in label order. */
function byClass(ds: Dataset): number[][] {
  const groups: number[][] = Array.from({ length: ds.K }, () => []);
  for (let i = 0; i < ds.y.length; i++) groups[ds.y[i] - 1].push(i);
  return groups.filter((g) => g.length > 0);
}
