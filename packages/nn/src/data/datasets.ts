/**
 * The front door for data sets: `loadDataset('digits5000' | 'mnist' | 'mnist-test' | path)`. Files are MAT-files
 * holding X (m×n) and y (m labels) like the course's ex4data1.mat, or numeric CSV.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { readCsvExamples, readCsvFile, type CsvOptions } from './csv.js';
import { type Dataset, type ExampleSet, makeDataset } from './dataset.js';
import { loadDigits5000 } from './digits5000.js';
import { DatasetError } from './errors.js';
import { classesFor, describeMapping, LABEL_RULES, type LabelMapping, mapLabel } from './label-mapping.js';
import { isIdxDataPath, loadIdxDataset } from './idx-dataset.js';
import type { ReadIdxOptions } from './idx.js';
import { readMatFile, type ReadMatOptions } from './mat/index.js';
import { loadMnist } from './mnist.js';
import { squareShape } from './pixel-order.js';

export const BUILTIN_DATASETS = ['digits5000', 'mnist', 'mnist-test'] as const;
export type BuiltinDatasetName = (typeof BUILTIN_DATASETS)[number];

export interface LoadDatasetOptions extends Omit<CsvOptions, 'name'> {
  /** Data set name; default the built-in name or the file name. */
  name?: string;
  /** MAT-files: the variables holding the examples and labels. Default 'X' and 'y'. */
  xVariable?: string;
  yVariable?: string;
  /** MAT-files: limits for the reader. */
  mat?: ReadMatOptions;
  /** IDX files: limits for the reader. */
  idx?: ReadIdxOptions;
}

const builtins: Record<BuiltinDatasetName, () => Dataset> = {
  digits5000: loadDigits5000,
  mnist: () => loadMnist('train'),
  'mnist-test': () => loadMnist('test'),
};

/**
 * Load a built-in data set by name, or a file by path: .mat, .csv, or IDX examples with their labels file beside
 * them (NAME.idx + NAME-labels.idx, or MNIST's …-images-idx3-ubyte + …-labels-idx1-ubyte; see idx-dataset.ts).
 */
export function loadDataset(nameOrPath: BuiltinDatasetName | string, options: LoadDatasetOptions = {}): Dataset {
  return load(nameOrPath, options, readCsvFile);
}

/**
 * The same front door for examples that may have no labels: a CSV without a label column (CsvOptions.labelColumn
 * null, or a header of exactly pixel0 … pixelN−1 as Kaggle's test.csv) is ExampleSet, features only; everything else
 * is the Dataset loadDataset returns.
 */
export function loadExamples(nameOrPath: BuiltinDatasetName | string, options: LoadDatasetOptions = {}): Dataset | ExampleSet {
  return load(nameOrPath, options, readCsvExamples);
}

function load<T extends ExampleSet>(nameOrPath: string, options: LoadDatasetOptions, readCsv: (path: string, options: CsvOptions) => T): Dataset | T {
  if (typeof nameOrPath !== 'string' || nameOrPath === '') {
    throw new InvalidArgumentError(
      `name: expected a built-in data set name or a file path, got ${JSON.stringify(nameOrPath)}`,
    );
  }
  if (Object.hasOwn(builtins, nameOrPath)) {
    const ds = builtins[nameOrPath as BuiltinDatasetName]();
    return options.name ? { ...ds, name: options.name } : ds;
  }
  const ext = extname(nameOrPath).toLowerCase();
  if (!existsSync(nameOrPath)) {
    throw new DatasetError(
      'ERR_DATASET_UNKNOWN',
      `unknown data set ${JSON.stringify(nameOrPath)}: expected one of ${BUILTIN_DATASETS.join(', ')}, ` +
        'or the path of an existing .mat, .csv or IDX file',
    );
  }
  const name = options.name ?? nameOrPath.replace(/^.*[\\/]/, '');
  if (ext === '.mat') return loadMatDataset(nameOrPath, { ...options, name });
  if (isIdxDataPath(nameOrPath)) return loadIdxDataset(nameOrPath, { name, ...(options.idx ? { idx: options.idx } : {}) });
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') {
    const ds = readCsv(nameOrPath, { ...options, name });
    // like Kaggle's MNIST CSV (784 = 28×28 pixels a row, row by row): a square number of features is a picture
    const shape = options.imageShape ?? squareShape(ds.X.cols, 'row-major');
    return shape && !ds.imageShape ? { ...ds, imageShape: shape } : ds;
  }
  throw new DatasetError(
    'ERR_DATASET_UNKNOWN',
    `${nameOrPath}: unsupported file type ${JSON.stringify(ext)}; expected .mat (with X and y), .csv, NAME.idx or …-images-idx3-ubyte`,
  );
}

/**
 * A MAT-file with the examples in X (m×n numeric) and the labels in y (m×1 or 1×m integers), like ex4data1.mat.
 * When n is a perfect square the rows are taken as square images in MATLAB's column-major order.
 */
export function loadMatDataset(path: string, options: LoadDatasetOptions = {}): Dataset {
  const xName = options.xVariable ?? 'X';
  const yName = options.yVariable ?? 'y';
  const rule = options.labels ?? 'one-based';
  if (!LABEL_RULES.includes(rule) || rule === 'names') {
    const why = rule === 'names' ? ' (a MAT-file\'s labels are numbers; "names" is for CSV)' : '';
    throw new InvalidArgumentError(
      `options.labels: expected one of ${LABEL_RULES.filter((r) => r !== 'names').join(', ')}, got ${rule}${why}`,
    );
  }
  const name = options.name ?? path.replace(/^.*[\\/]/, '');
  const mat = readMatFile(path, options.mat);
  const expected = `expected a numeric m×n '${xName}' and m labels '${yName}' (m×1 or 1×m), like ex4data1.mat`;
  const found = [
    ...[...mat.variables.values()].map((v) => `${v.name} (${v.dims.join('x')} ${v.class})`),
    ...mat.skipped.map((s) => `${s.name} (${s.class})`),
  ];
  const X = mat.variables.get(xName);
  const y = mat.variables.get(yName);
  if (!X?.matrix || X.class === 'char' || !y?.matrix || y.class === 'char') {
    throw new DatasetError('ERR_DATASET_SHAPE', `${name}: ${expected}; found ${found.join(', ') || 'no variables'}`);
  }
  const m = X.matrix.rows;
  if (y.data.length !== m || (y.dims[0] !== 1 && y.dims[1] !== 1)) {
    throw new DatasetError(
      'ERR_DATASET_SHAPE',
      `${name}: ${xName} has ${m} rows but ${yName} is ${y.dims.join('x')}; ${expected}`,
    );
  }
  // 'auto': counted from 0 when a 0 occurs, else from 1 (as for a CSV's integer labels)
  const mapping: LabelMapping = rule === 'auto' ? (y.data.some((v) => v === 0) ? 'zero-based' : 'one-based') : rule;
  const labels = new Int32Array(m);
  let maxLabel = 0;
  for (let i = 0; i < m; i++) {
    const label = mapLabel(y.data[i], mapping);
    if (label === undefined) {
      throw new DatasetError(
        'ERR_DATASET_LABELS',
        `${name}: ${yName}(${i + 1}) = ${y.data[i]} is not a valid label; expected ${describeMapping(mapping)}`,
      );
    }
    labels[i] = label;
    maxLabel = Math.max(maxLabel, label);
  }
  const { K, labelNames } = classesFor(mapping, maxLabel, options.labelNames);
  const imageShape = options.imageShape ?? squareShape(X.matrix.cols, 'column-major');
  return makeDataset({ name, X: X.matrix, y: labels, K, labelNames, imageShape });
}

