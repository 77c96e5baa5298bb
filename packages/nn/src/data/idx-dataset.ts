/**
 * A data set from IDX files: the images (or any m×n examples) in one file and the labels in another beside it,
 * named as MNIST names them (`train-images-idx3-ubyte` → `train-labels-idx1-ubyte`, `.gz` either way) or as
 * `backprop data export` writes them (`NAME.idx` → `NAME-labels.idx`).
 *
 * Examples: [m, rows, cols] (pictures, row by row as MNIST's are) or [m, n] (n a square: square pictures, row by
 * row; the order `data export` writes). uint8 values are pixels scaled to [0, 1] (value / 255, as builtin:mnist);
 * other types are taken as they are. Labels: [m] (or [m, 1]) integers, read as a MAT-file's y is (1..K, names
 * "1".."K"), except that a file holding a 0 is MNIST's digits 0..9 when none is above 9 (digit 0 → label 10,
 * names "1".."9", "0", as builtin:mnist), else 0..K−1. Both files are read by readIdx, with its bounds (gzip
 * inflated to at most maxBytes, the declared sizes checked against the bytes before anything is allocated).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type Dataset, makeDataset } from './dataset.js';
import { DatasetError } from './errors.js';
import { type IdxArray, idxDims, readIdxFile, type ReadIdxOptions } from './idx.js';
import { classesFor, describeMapping, type LabelMapping, mapLabel } from './label-mapping.js';

/** MNIST's images file name: `PREFIX images - idx3-ubyte` (or `.idx3-ubyte`), maybe `.gz`. */
const MNIST_IMAGES = /^(.*)images([-.])idx3-ubyte(\.gz)?$/i;
/** `data export`'s: NAME.idx, maybe `.gz`. */
const IDX_IMAGES = /^(.*)\.idx(\.gz)?$/i;

/** Is `path` named as an IDX examples file (MNIST's images name, or NAME.idx)? */
export function isIdxDataPath(path: string): boolean {
  const name = basename(path);
  return MNIST_IMAGES.test(name) || IDX_IMAGES.test(name);
}

/**
 * The labels files that may sit beside an IDX examples file, the first existing one is read:
 * `…labels-idx1-ubyte` for MNIST's `…images-idx3-ubyte`, `NAME-labels.idx` for `NAME.idx`; each plain or `.gz`.
 */
export function idxLabelsCandidates(imagesPath: string): string[] {
  const name = basename(imagesPath);
  const mnist = MNIST_IMAGES.exec(name);
  const stem = mnist ? `${mnist[1]}labels${mnist[2]}idx1-ubyte` : name.replace(IDX_IMAGES, '$1-labels.idx');
  const gz = /\.gz$/i.test(name);
  return (gz ? [`${stem}.gz`, stem] : [stem, `${stem}.gz`]).map((n) => join(dirname(imagesPath), n));
}

export interface LoadIdxDatasetOptions {
  name?: string;
  /** Limits for the IDX reader (both files). */
  idx?: ReadIdxOptions;
}

/** Load an IDX examples file and the labels file beside it as a Dataset (see the module's header). */
export function loadIdxDataset(path: string, options: LoadIdxDatasetOptions = {}): Dataset {
  const name = options.name ?? basename(path);
  const candidates = idxLabelsCandidates(path);
  const labelsPath = candidates.find((p) => existsSync(p));
  if (labelsPath === undefined) {
    throw new DatasetError(
      'ERR_DATASET_LABELS_FILE',
      `${name}: no labels file beside it: looked for ${candidates.map((p) => basename(p)).join(' and ')} in ${dirname(path)}`,
    );
  }
  const images = readIdxFile(path, options.idx);
  const labels = readIdxFile(labelsPath, options.idx);
  const X = examples(name, images);
  const y = labelsOf(name, basename(labelsPath), labels, X.rows);
  return makeDataset({ name, X, y: y.labels, ...classesFor(y.mapping, y.max), ...(X.shape ? { imageShape: X.shape, pixelOrderKnown: X.declared } : {}) });
}

function examples(name: string, images: IdxArray) {
  const { dims } = images;
  const shapeError = () =>
    new DatasetError('ERR_DATASET_SHAPE', `${name}: expected examples [m, rows, cols] or [m, n] with n ≥ 1, got IDX ${images.type} [${idxDims(dims, ', ')}]`);
  if ((dims.length !== 2 && dims.length !== 3) || dims.slice(1).some((d) => d < 1)) throw shapeError();
  const m = dims[0];
  const cols = dims.length === 3 ? dims[1] * dims[2] : dims[1];
  const side = Math.round(Math.sqrt(cols));
  const shape =
    dims.length === 3
      ? { width: dims[2], height: dims[1], order: 'row-major' as const }
      : side > 1 && side * side === cols
        ? { width: side, height: side, order: 'row-major' as const }
        : undefined;
  // uint8 pixels scaled to [0, 1] as builtin:mnist's are; other types as they are
  const data = images.type === 'uint8' ? Float64Array.from(images.data, (v) => v / 255) : Float64Array.from(images.data);
  // [m, rows, cols] declares pictures row by row; [m, n] with a square n is a guess
  return { rows: m, cols, data, shape, declared: dims.length === 3 };
}

function labelsOf(name: string, file: string, labels: IdxArray, m: number) {
  const { dims } = labels;
  if (!(dims.length === 1 || (dims.length === 2 && dims[1] === 1)) || labels.type === 'float32' || labels.type === 'float64') {
    throw new DatasetError('ERR_DATASET_SHAPE', `${name}: ${file} must hold [m] integer labels, got IDX ${labels.type} [${idxDims(dims, ', ')}]`);
  }
  if (dims[0] !== m) throw new DatasetError('ERR_DATASET_SHAPE', `${name}: ${m} examples but ${dims[0]} labels in ${file}`);
  const values = labels.data;
  let hasZero = false;
  let max = -Infinity;
  for (let i = 0; i < m; i++) {
    if (values[i] === 0) hasZero = true;
    max = Math.max(max, values[i]);
  }
  const mapping: LabelMapping = hasZero ? (max <= 9 ? 'digits' : 'zero-based') : 'one-based';
  const out = new Int32Array(m);
  let top = 0;
  for (let i = 0; i < m; i++) {
    const label = mapLabel(values[i], mapping);
    if (label === undefined) {
      throw new DatasetError('ERR_DATASET_LABELS', `${name}: label ${i} in ${file} is ${values[i]}; expected ${describeMapping(mapping)}`);
    }
    out[i] = label;
    top = Math.max(top, label);
  }
  return { labels: out, mapping, max: top };
}
