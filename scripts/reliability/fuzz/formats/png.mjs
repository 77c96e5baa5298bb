// PNG input (decodePng, then imageToInput as the CLI and server use it) for the parser fuzzer. Seeds: the repo's
// PNG fixtures, pictures written by encodePng, and Adam7-interlaced pictures written here (pngjs cannot write
// them). Beyond byte mutations: chunk-level edits (duplicate, drop, swap, a second IHDR claiming a huge size), the
// inflated pixel stream mutated and compressed again, a highly compressible IDAT, and CRCs recomputed so that most
// mutations get past the checksum.
import { InvariantError } from '../invariant.mjs';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { concat, INTERESTING_32, mutateBytes } from '../mutate.mjs';

export const name = 'png';

const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** [{at, length, type}] of the chunks after the signature, as far as they can be followed. */
function chunks(bytes) {
  const out = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  while (at + 12 <= bytes.length && out.length < 256) {
    const length = view.getUint32(at, false);
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    out.push({ at, length, type });
    if (at + 12 + length > bytes.length) break;
    at += 12 + length;
  }
  return out;
}

function chunk(type, data) {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length, false);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)), false);
  return out;
}

function ihdr(width, height, depth, colorType, interlace) {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width, false);
  view.setUint32(4, height, false);
  data[8] = depth;
  data[9] = colorType;
  data[12] = interlace;
  return chunk('IHDR', data);
}

/** An 8-bit gray Adam7-interlaced PNG of `pixel(r, c)` (0..255). */
function interlacedGray(width, height, pixel) {
  const passes = [[0, 0, 8, 8], [0, 4, 8, 8], [4, 0, 8, 4], [0, 2, 4, 4], [2, 0, 4, 2], [0, 1, 2, 2], [1, 0, 2, 1]];
  const rows = [];
  for (const [r0, c0, dr, dc] of passes) {
    for (let r = r0; r < height; r += dr) {
      const line = [0];
      for (let c = c0; c < width; c += dc) line.push(pixel(r, c));
      if (line.length > 1) rows.push(...line);
    }
  }
  const idat = deflateSync(Uint8Array.from(rows));
  return concat(SIGNATURE, ihdr(width, height, 8, 0, 1), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0)));
}

export function seeds(lib, root) {
  const dir = join(root, 'packages/nn/test/fixtures/image');
  const out = [];
  for (const file of readdirSync(dir).sort()) {
    if (file.endsWith('.png')) out.push({ name: file, bytes: new Uint8Array(readFileSync(join(dir, file))) });
  }
  // A dark stroke on white, as someone would draw a digit.
  const stroke = (r, c) => (Math.abs(c - 10) < 2 && r > 3 && r < 17 ? 0 : 1);
  const gray = Float64Array.from({ length: 400 }, (_, i) => stroke(Math.floor(i / 20), i % 20));
  out.push({ name: 'encodePng gray 20x20', bytes: new Uint8Array(lib.encodePng(20, 20, gray)) });
  const rgb = Uint8Array.from({ length: 28 * 28 * 3 }, (_, i) => (stroke(Math.floor(i / 84) % 20, Math.floor(i / 3) % 28) ? 250 : 5));
  out.push({ name: 'encodePng rgb 28x28', bytes: new Uint8Array(lib.encodePng(28, 28, rgb)) });
  const rgba = Uint8Array.from({ length: 8 * 8 * 4 }, (_, i) => (i % 4 === 3 ? (i * 7) & 0xff : (i * 13) & 0xff));
  out.push({ name: 'encodePng rgba 8x8', bytes: new Uint8Array(lib.encodePng(8, 8, rgba)) });
  out.push({ name: 'interlaced gray 20x20', bytes: interlacedGray(20, 20, (r, c) => (stroke(r, c) ? 255 : 0)) });
  out.push({ name: 'interlaced gray 3x5', bytes: interlacedGray(3, 5, (r, c) => (r * 40 + c * 20) & 0xff) });
  return out;
}

export function fields(bytes) {
  const out = [];
  for (const c of chunks(bytes)) {
    out.push({ offset: c.at, width: 4, bigEndian: true, name: 'chunk-length' });
    if (c.type === 'IHDR') {
      out.push({ offset: c.at + 8, width: 4, bigEndian: true, name: 'width' });
      out.push({ offset: c.at + 12, width: 4, bigEndian: true, name: 'height' });
      for (let k = 16; k < 21; k++) out.push({ offset: c.at + k, width: 1, bigEndian: true, name: 'ihdr-byte' });
    }
  }
  return out;
}

/** Recomputes every chunk's CRC (so the mutation is judged by the decoder, not by the checksum). */
function fixCrcs(bytes) {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  for (const c of chunks(out)) {
    const end = c.at + 8 + c.length;
    if (end + 4 <= out.length) view.setUint32(end, crc32(out.subarray(c.at + 4, end)), false);
  }
  return out;
}

let bomb;
/** 32 MiB of zero bytes, deflated (~32 KiB): an IDAT that inflates far beyond any small picture. */
function bombIdat() {
  bomb ??= deflateSync(new Uint8Array(32 << 20), { level: 9 });
  return bomb;
}

function replaceIdats(bytes, list, idatChunks) {
  const first = list.findIndex((c) => c.type === 'IDAT');
  const parts = [bytes.subarray(0, list[first].at), ...idatChunks];
  let last = list[first].at;
  for (const c of list) {
    if (c.type === 'IDAT') last = Math.max(last, c.at + 12 + c.length);
  }
  parts.push(bytes.subarray(Math.min(last, bytes.length)));
  return concat(...parts);
}

const chunkMutators = {
  duplicateChunk(rng, bytes, list) {
    const c = rng.pick(list);
    const copy = bytes.subarray(c.at, Math.min(bytes.length, c.at + 12 + c.length));
    const at = rng.pick(list).at;
    return concat(bytes.subarray(0, at), copy, bytes.subarray(at));
  },
  dropChunk(rng, bytes, list) {
    const c = rng.pick(list);
    return concat(bytes.subarray(0, c.at), bytes.subarray(Math.min(bytes.length, c.at + 12 + c.length)));
  },
  swapChunks(rng, bytes, list) {
    if (list.length < 2) return null;
    const i = rng.int(list.length - 1);
    const a = list[i];
    const b = list[i + 1];
    const end = Math.min(bytes.length, b.at + 12 + b.length);
    return concat(bytes.subarray(0, a.at), bytes.subarray(b.at, end), bytes.subarray(a.at, b.at), bytes.subarray(end));
  },
  secondIhdr(rng, bytes, list) {
    const at = list.length > 1 ? list[1].at : 33;
    const w = rng.pick(INTERESTING_32.filter((v) => v > 0));
    const h = rng.pick([1, 2, 100, 65535, 0x7fffffff]);
    const extra = ihdr(w, h, rng.pick([1, 8, 16]), rng.pick([0, 2, 3, 4, 6]), rng.int(2));
    return concat(bytes.subarray(0, at), extra, bytes.subarray(at));
  },
  idatInner(rng, bytes, list, ctx) {
    if (!list.some((c) => c.type === 'IDAT')) return null;
    const data = concat(...list.filter((c) => c.type === 'IDAT').map((c) => bytes.subarray(c.at + 8, c.at + 8 + c.length)));
    let inner;
    try {
      inner = inflateSync(data, { maxOutputLength: 1 << 22 });
    } catch {
      return null;
    }
    const step = mutateBytes(rng, new Uint8Array(inner), { seeds: ctx.seeds, fields: () => [] });
    return replaceIdats(bytes, list, [chunk('IDAT', deflateSync(step.bytes))]);
  },
  idatBomb(rng, bytes, list) {
    if (!list.some((c) => c.type === 'IDAT')) return null;
    return replaceIdats(bytes, list, [chunk('IDAT', bombIdat())]);
  },
  splitIdat(rng, bytes, list) {
    const c = list.find((x) => x.type === 'IDAT');
    if (!c || c.length < 2) return null;
    const data = bytes.subarray(c.at + 8, c.at + 8 + c.length);
    const cut = rng.between(0, data.length);
    return replaceIdats(bytes, list, [chunk('IDAT', data.subarray(0, cut)), chunk('IDAT', new Uint8Array(0)), chunk('IDAT', data.subarray(cut))]);
  },
};
const CHUNK_MUTATIONS = Object.keys(chunkMutators);
const CHUNK_WEIGHTS = { duplicateChunk: 2, dropChunk: 2, swapChunks: 1, secondIhdr: 2, idatInner: 4, idatBomb: 1, splitIdat: 1 };

export function mutate(rng, seed, ctx) {
  let bytes;
  let ops;
  const list = chunks(seed);
  if (rng.chance(0.4) && list.length > 0) {
    const op = rng.weighted(CHUNK_MUTATIONS, CHUNK_MUTATIONS.map((k) => CHUNK_WEIGHTS[k]));
    bytes = chunkMutators[op](rng, seed, list, ctx);
    ops = [op];
    if (bytes === null) ({ bytes, ops } = mutateBytes(rng, seed, ctx));
  } else {
    ({ bytes, ops } = mutateBytes(rng, seed, ctx));
  }
  if (rng.chance(0.8)) {
    bytes = fixCrcs(bytes);
    ops.push('crc');
  }
  return { bytes, ops };
}

const INPUT_SHAPE = { width: 20, height: 20, order: 'column-major' };

/** Decodes, checks the picture, and converts it to a 20x20 network input as `backprop predict --image` does. */
export function parse(bytes, lib) {
  const image = lib.decodePng(bytes);
  const n = image.width * image.height;
  if (image.gray.length !== n) throw new InvariantError(`${image.width}x${image.height} with ${image.gray.length} values`);
  for (const v of image.gray) if (!(v >= 0 && v <= 1)) throw new InvariantError(`gray value ${v}`);
  if (n > 4_000_000) return n; // imageToInput is linear in the pixels: keep a case's time bounded
  const input = lib.imageToInput(image.gray, image.width, image.height, INPUT_SHAPE);
  if (input.length !== 400) throw new InvariantError(`input of ${input.length} values`);
  // The 20x20 bicubic resize over- and undershoots a little (about -0.13..1.13, like the training data).
  for (const v of input) if (!(v >= -0.5 && v <= 1.5)) throw new InvariantError(`input value ${v}`);
  return n;
}
