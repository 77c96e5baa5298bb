// MAT-files (Level 4, Level 5 little/big-endian, compressed) for the parser fuzzer. Seeds are the repo's fixtures
// plus ex4weights.mat and a file written by writeMat; fields are the v4 headers and the v5 tags, array flags and
// dimensions found by walking the elements; "inner" mutates the inflated contents of a compressed element.
import { InvariantError } from '../invariant.mjs';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { concat, mutateBytes } from '../mutate.mjs';

export const name = 'mat';

const MI_MATRIX = 14;
const MI_COMPRESSED = 15;

function u32(bytes, at, bigEndian) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return at + 4 <= bytes.length ? v.getUint32(at, !bigEndian) : -1;
}

function isLevel5(bytes) {
  if (bytes.length < 128) return undefined;
  const e = String.fromCharCode(bytes[126], bytes[127]);
  return e === 'IM' ? { bigEndian: false } : e === 'MI' ? { bigEndian: true } : undefined;
}

/** Tags (type and size words), array flags and dims of the Level 5 elements in [start, end). */
function walkLevel5(bytes, start, end, bigEndian, fields, depth, inMatrix = false) {
  let at = start;
  let index = 0;
  while (at + 8 <= end && fields.length < 400) {
    const word = u32(bytes, at, bigEndian);
    if (word >>> 16 !== 0) {
      // Small data element: size and type in one word, up to 4 bytes of data inline.
      const sizeAt = bigEndian ? at : at + 2;
      const typeAt = bigEndian ? at + 2 : at;
      fields.push({ offset: sizeAt, width: 2, bigEndian, name: 'small-size' });
      fields.push({ offset: typeAt, width: 2, bigEndian, name: 'small-type' });
      if (inMatrix && index < 2) fields.push({ offset: at + 4, width: 4, bigEndian, name: 'small-data' });
      at += 8;
      index++;
      continue;
    }
    const size = u32(bytes, at + 4, bigEndian);
    fields.push({ offset: at, width: 4, bigEndian, name: 'tag-type' });
    fields.push({ offset: at + 4, width: 4, bigEndian, name: 'tag-size' });
    const dataAt = at + 8;
    const dataEnd = Math.min(end, dataAt + size);
    if (inMatrix && index < 2) {
      // Array flags (class, flags, nzmax) and the dimensions.
      for (let k = dataAt; k + 4 <= dataEnd && k < dataAt + 64; k += 4) {
        fields.push({ offset: k, width: 4, bigEndian, name: index === 0 ? 'array-flags' : 'dim' });
      }
      if (index === 0) fields.push({ offset: bigEndian ? dataAt + 3 : dataAt, width: 1, bigEndian, name: 'class' });
    }
    if (word === MI_MATRIX && depth < 6) walkLevel5(bytes, dataAt, dataEnd, bigEndian, fields, depth + 1, true);
    at = word === MI_COMPRESSED ? dataAt + size : dataAt + Math.ceil(size / 8) * 8;
    index++;
  }
}

/** The 20-byte headers (type, mrows, ncols, imagf, namlen) of the Level 4 variables. */
function walkLevel4(bytes, fields) {
  let at = 0;
  while (at + 20 <= bytes.length && fields.length < 100) {
    const le = u32(bytes, at, false);
    const bigEndian = le >= 1000;
    const type = u32(bytes, at, bigEndian);
    for (let k = 0; k < 5; k++) fields.push({ offset: at + 4 * k, width: 4, bigEndian, name: 'v4-header' });
    const precision = Math.floor(type / 10) % 10;
    const size = [8, 4, 4, 2, 2, 1][precision] ?? 8;
    const rows = u32(bytes, at + 4, bigEndian);
    const cols = u32(bytes, at + 8, bigEndian);
    const imag = u32(bytes, at + 12, bigEndian) ? 2 : 1;
    const namlen = u32(bytes, at + 16, bigEndian);
    const next = at + 20 + namlen + rows * cols * size * imag;
    if (!(next > at) || !Number.isSafeInteger(next)) break;
    at = next;
  }
}

export function fields(bytes) {
  const out = [];
  const v5 = isLevel5(bytes);
  if (v5) {
    out.push({ offset: 116, width: 4, bigEndian: v5.bigEndian, name: 'subsys' });
    out.push({ offset: 124, width: 2, bigEndian: v5.bigEndian, name: 'version' });
    out.push({ offset: 126, width: 2, bigEndian: false, name: 'endian' });
    walkLevel5(bytes, 128, bytes.length, v5.bigEndian, out, 0);
  } else {
    walkLevel4(bytes, out);
  }
  return out;
}

/** Top-level compressed elements: [{at, size}] (tag at `at`, `size` compressed bytes after the 8-byte tag). */
function compressedElements(bytes) {
  const v5 = isLevel5(bytes);
  if (!v5) return [];
  const found = [];
  let at = 128;
  while (at + 8 <= bytes.length && found.length < 64) {
    const type = u32(bytes, at, v5.bigEndian);
    if (type >>> 16 !== 0) {
      at += 8;
      continue;
    }
    const size = u32(bytes, at + 4, v5.bigEndian);
    if (type === MI_COMPRESSED) found.push({ at, size, bigEndian: v5.bigEndian });
    at = type === MI_COMPRESSED ? at + 8 + size : at + 8 + Math.ceil(size / 8) * 8;
  }
  return found;
}

function inflateBounded(bytes) {
  return inflateSync(bytes, { maxOutputLength: 1 << 22 });
}

/** The same file with every compressed element replaced by its inflated contents (a valid uncompressed file). */
function decompressed(bytes) {
  const elements = compressedElements(bytes);
  if (elements.length === 0) return undefined;
  const parts = [bytes.subarray(0, 128)];
  let last = 128;
  for (const e of elements) {
    parts.push(bytes.subarray(last, e.at));
    parts.push(inflateBounded(bytes.subarray(e.at + 8, e.at + 8 + e.size)));
    last = e.at + 8 + e.size;
  }
  parts.push(bytes.subarray(last));
  return concat(...parts);
}

export function seeds(lib, root) {
  const dirs = [join(root, 'packages/nn/test/fixtures/mat'), join(root, 'packages/nn/test/fixtures/mat/generated')];
  const out = [];
  for (const dir of dirs) {
    for (const file of readdirSync(dir).sort()) {
      if (file.endsWith('.mat')) out.push({ name: file, bytes: new Uint8Array(readFileSync(join(dir, file))) });
    }
  }
  out.push({ name: 'ex4weights.mat', bytes: new Uint8Array(readFileSync(join(root, 'packages/nn/test/fixtures/ex4weights.mat'))) });
  const A = { rows: 3, cols: 2, data: Float64Array.from([1, -2, 3.5, 0, 1e300, -1e-300]) };
  const y = { rows: 4, cols: 1, data: Float64Array.from([1, 2, 3, 10]) };
  out.push({ name: 'writeMat', bytes: new Uint8Array(lib.writeMat({ A, y })) });
  for (const seed of [...out]) {
    const plain = decompressed(seed.bytes);
    if (plain) out.push({ name: `${seed.name} (inflated)`, bytes: plain });
  }
  return out;
}

/** Mutates the inflated contents of one compressed element, then deflates it back and fixes the tag's size. */
function mutateInner(rng, bytes, ctx) {
  const elements = compressedElements(bytes);
  if (elements.length === 0) return undefined;
  const e = rng.pick(elements);
  let inner;
  try {
    inner = inflateBounded(bytes.subarray(e.at + 8, e.at + 8 + e.size));
  } catch {
    return undefined;
  }
  const innerCtx = {
    seeds: ctx.seeds,
    fields: (b) => {
      const out = [];
      walkLevel5(b, 0, b.length, e.bigEndian, out, 0);
      return out;
    },
  };
  const step = mutateBytes(rng, inner, innerCtx);
  const packed = deflateSync(step.bytes);
  const tag = new Uint8Array(8);
  const view = new DataView(tag.buffer);
  view.setUint32(0, MI_COMPRESSED, !e.bigEndian);
  view.setUint32(4, packed.length, !e.bigEndian);
  const out = concat(bytes.subarray(0, e.at), tag, packed, bytes.subarray(e.at + 8 + e.size));
  return { bytes: out, ops: step.ops.map((op) => `inner:${op}`) };
}

export function mutate(rng, seed, ctx) {
  if (rng.chance(0.25)) {
    const inner = mutateInner(rng, seed, ctx);
    if (inner) return inner;
  }
  return mutateBytes(rng, seed, ctx);
}

/** Parses, then reads every value of every variable and checks dims, data and matrix agree. */
export function parse(bytes, lib) {
  return check(lib.readMat(bytes));
}

/** Reads every value of every variable of a decoded file and checks dims, data, matrix and text agree. */
export function check(file) {
  let n = 0;
  for (const v of file.variables.values()) {
    const count = v.dims.reduce((a, b) => a * b, 1);
    if (v.data.length !== count) throw new InvariantError(`${v.name} has dims ${v.dims.join('x')} but ${v.data.length} values`);
    for (let i = 0; i < v.data.length; i++) n += v.data[i] === 0 ? 0 : 1;
    if (v.text !== undefined) {
      const rows = v.dims[0] ?? 0;
      const length = rows === 0 || count === 0 ? 0 : count + rows - 1;
      if (v.text.length !== length) throw new InvariantError(`char ${v.name}: ${v.text.length} characters of text for dims ${v.dims.join('x')}`);
    }
    if (v.matrix) {
      const { rows, cols, data } = v.matrix;
      if (data.length !== rows * cols || data.length !== v.data.length) {
        throw new InvariantError(`matrix ${v.name} is ${rows}x${cols} with ${data.length} values`);
      }
    }
  }
  return n;
}
