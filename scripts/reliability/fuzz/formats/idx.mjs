// IDX files (MNIST's format) for the parser fuzzer. Seeds: the repo's IDX fixtures (every type, one gzipped) and
// two generated here byte by byte. Fields: the type and rank bytes and every big-endian dimension; "inner"
// mutates the inflated content of a gzip file and compresses it again.
import { InvariantError } from '../invariant.mjs';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { mutateBytes } from '../mutate.mjs';

export const name = 'idx';

/** An IDX file: magic 00 00 <type> <rank>, big-endian uint32 dims, then `payload`. */
function idxFile(type, dims, payload) {
  const out = new Uint8Array(4 + 4 * dims.length + payload.length);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(payload, 4 + 4 * dims.length);
  return out;
}

function isGzip(bytes) {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function seeds(_lib, root) {
  const dir = join(root, 'packages/nn/test/fixtures/idx');
  const out = [];
  for (const file of readdirSync(dir).sort()) {
    if (file.endsWith('.idx') || file.endsWith('.idx.gz')) out.push({ name: file, bytes: new Uint8Array(readFileSync(join(dir, file))) });
  }
  // A tiny MNIST-like image file (3 images of 4x5 uint8) and a label file.
  const pixels = Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 37) & 0xff);
  out.push({ name: 'images-3x4x5', bytes: idxFile(0x08, [3, 4, 5], pixels) });
  out.push({ name: 'labels-7', bytes: idxFile(0x08, [7], Uint8Array.from([5, 0, 4, 1, 9, 2, 1])) });
  const doubles = new Uint8Array(new Float64Array([1.5, -0, Infinity, NaN]).buffer).reverse();
  out.push({ name: 'float64-4', bytes: idxFile(0x0e, [4], doubles) });
  out.push({ name: 'images-3x4x5.gz', bytes: new Uint8Array(gzipSync(idxFile(0x08, [3, 4, 5], pixels))) });
  return out;
}

export function fields(bytes) {
  if (bytes.length < 4 || isGzip(bytes)) return [];
  const out = [
    { offset: 2, width: 1, bigEndian: true, name: 'type' },
    { offset: 3, width: 1, bigEndian: true, name: 'rank' },
  ];
  for (let i = 0; i < bytes[3] && 4 + 4 * i < bytes.length; i++) {
    out.push({ offset: 4 + 4 * i, width: 4, bigEndian: true, name: `dim${i}` });
  }
  return out;
}

export function mutate(rng, seed, ctx) {
  if (isGzip(seed) && rng.chance(0.6)) {
    let inner;
    try {
      inner = gunzipSync(seed, { maxOutputLength: 1 << 22 });
    } catch {
      inner = undefined;
    }
    if (inner) {
      const step = mutateBytes(rng, new Uint8Array(inner), ctx);
      return { bytes: new Uint8Array(gzipSync(step.bytes)), ops: step.ops.map((op) => `inner:${op}`) };
    }
  }
  return mutateBytes(rng, seed, ctx);
}

/** Parses, then checks the values match the dimensions. */
export function parse(bytes, lib) {
  const idx = lib.readIdx(bytes);
  const count = idx.dims.reduce((a, b) => a * b, 1);
  if (idx.data.length !== count) throw new InvariantError(`dims ${idx.dims.join('x')} but ${idx.data.length} values`);
  return idx.data.length;
}
