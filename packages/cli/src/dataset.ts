import { existsSync, statSync } from 'node:fs';
import { loadDataset, splitDataset, type Dataset } from '@backprop/nn';
import { UsageError } from './usage.js';

/** The built-in data sets, as `--data builtin:<name>`. */
export const BUILTINS = ['digits5000', 'mnist', 'mnist-test'] as const;

export const DATA_HELP =
  'builtin:digits5000 (the course’s 5000 20x20 digits), builtin:mnist, builtin:mnist-test, or a file: ' +
  'FILE.mat (variables X and y, like ex4data1.mat) or FILE.csv (numbers, label in the last column)';

/**
 * `--data` → a Dataset. `builtin:NAME` (or a bare built-in name) loads a built-in set; anything else must be an
 * existing .mat or .csv file.
 */
export function loadData(spec: string, option = '--data'): Dataset {
  const name = spec.startsWith('builtin:') ? spec.slice('builtin:'.length) : spec;
  if ((BUILTINS as readonly string[]).includes(name)) return loadDataset(name);
  if (spec.startsWith('builtin:')) {
    throw new UsageError(`${option}: unknown built-in data set ${JSON.stringify(name)}; expected one of ${BUILTINS.map((b) => `builtin:${b}`).join(', ')}`);
  }
  if (!existsSync(spec)) throw new UsageError(`${option}: no such file ${JSON.stringify(spec)} (expected ${DATA_HELP})`);
  if (!statSync(spec).isFile()) throw new UsageError(`${option}: ${JSON.stringify(spec)} is not a file`);
  if (!/\.(mat|csv)$/i.test(spec)) {
    throw new UsageError(`${option}: ${JSON.stringify(spec)} is neither a .mat nor a .csv file`);
  }
  return loadDataset(spec);
}

export interface Splits {
  train: Dataset;
  validation?: Dataset;
  test?: Dataset;
}

/** Seeded train/validation/test split; fractions of 0 mean no such split. */
export function split(ds: Dataset, validation: number, test: number, seed: number): Splits {
  if (validation + test >= 1) {
    throw new UsageError(`--validation + --test must be below 1 (some data must be left to train on), got ${validation} + ${test}`);
  }
  if (validation === 0 && test === 0) return { train: ds };
  const parts = splitDataset(ds, { validation, test, seed });
  const out: Splits = { train: parts.train };
  if (validation > 0) out.validation = parts.validation;
  if (test > 0) out.test = parts.test;
  return out;
}

/** The human name of label k (labelNames[k − 1]; for digits 10 → "0"). */
export function labelName(ds: { labelNames: readonly string[] }, k: number): string {
  return ds.labelNames[k - 1] ?? String(k);
}
