// Structure-aware MAT-file generator (issue 18): well-formed Level 5 files whose headers *describe* something huge,
// beside the mutation of small seeds in mat.mjs. Each case is a file of ≤ 16 MiB built from the case's generator:
// either byte order; one to a few variables, or thousands; every numeric class and storage type, logical, char
// in every storage (UTF-8/16/32, uint8/16, double), complex, sparse, function handles, opaque and unknown classes;
// cells, structs and objects nested up to 100 deep with many elements; compressed, uncompressed, or compressed
// inside compressed; dims declaring up to 2^31 − 1 per dimension and hundreds of dimensions; names up to 1 MB. Large
// compressed data is real: zeros, built in time proportional to the compressed size (mat-build.mjs), so a 2 GB
// array fits in a 2 MB file. Some fields then lie (a size, a dim, a storage type).
//
// The reader runs with maxBytes = READ_OPTIONS.maxBytes; the bound checked for every case (the test and fuzz.mjs):
// it ends within 2 s of CPU and 512 MiB of peak RSS, with a result or a one-line typed error.
import { deflateSync } from 'node:zlib';
import { check } from './mat.mjs';
import { InvariantError } from '../invariant.mjs';
import { concat, flag, matBuilder, mi, mx, repeat, zlibWithZeros } from '../mat-build.mjs';

export const name = 'mat-structured';
export const MAX_INPUT_BYTES = 16 * 2 ** 20;
export const READ_OPTIONS = { maxBytes: 64 * 2 ** 20 };
/** Per-case bounds this format is held to (fuzz.mjs uses them unless its flags are stricter). */
export const bounds = { cpuMs: 2000, rssMb: 512 };

const NUMERIC = [mx.DOUBLE, mx.SINGLE, mx.INT8, mx.UINT8, mx.INT16, mx.UINT16, mx.INT32, mx.UINT32, mx.INT64, mx.UINT64];
const STORAGE = [mi.INT8, mi.UINT8, mi.INT16, mi.UINT16, mi.INT32, mi.UINT32, mi.SINGLE, mi.DOUBLE, mi.INT64, mi.UINT64];
const SIZE = { [mi.INT8]: 1, [mi.UINT8]: 1, [mi.INT16]: 2, [mi.UINT16]: 2, [mi.INT32]: 4, [mi.UINT32]: 4, [mi.SINGLE]: 4, [mi.DOUBLE]: 8, [mi.INT64]: 8, [mi.UINT64]: 8, [mi.UTF8]: 1, [mi.UTF16]: 2, [mi.UTF32]: 4 };
const CHAR_STORAGE = [mi.UTF8, mi.UTF16, mi.UINT16, mi.UTF32, mi.UINT8, mi.DOUBLE];
const OTHER = [mx.SPARSE, mx.FUNCTION, mx.OPAQUE, 0, 18, 99, 255];

/** Element counts: mostly small, sometimes large, sometimes near the limits of an int32 dimension. */
function count(rng) {
  return rng.weighted(
    [() => rng.int(17), () => rng.between(17, 4096), () => rng.between(4096, 500_000), () => rng.between(500_000, 300_000_000), () => rng.pick([2 ** 31 - 1, 2 ** 30, 120_000_000, 65_536])],
    [30, 30, 20, 15, 5],
  )();
}

/** Dims for `n` elements: n×1, 1×n, a near-square r×c, or many dimensions. */
function dimsFor(rng, n) {
  switch (rng.int(5)) {
    case 0:
      return [n, 1];
    case 1:
      return [1, n];
    case 2: {
      const r = Math.max(1, Math.round(Math.sqrt(n)));
      return [r, Math.max(0, Math.floor(n / r))];
    }
    case 3:
      return [n, 1, 1, ...Array.from({ length: rng.int(6) }, () => 1)];
    default:
      return n === 0 ? [0, rng.pick([0, 1, 2 ** 31 - 1])] : [1, n, ...Array.from({ length: rng.weighted([2, 50, 500], [6, 3, 1]) }, () => 1)];
  }
}

function product(dims) {
  return dims.reduce((a, b) => a * b, 1);
}

function varName(rng) {
  return rng.weighted(
    [() => `v${rng.int(1000)}`, () => 'x'.repeat(rng.between(5, 63)), () => 'n'.repeat(rng.between(64, 1 << 20)), () => ''],
    [80, 10, 3, 7],
  )();
}

/**
 * One variable, as {header, type, bytes} (an array whose real part of `bytes` bytes of storage `type` the caller
 * writes or compresses), {header, parts} (a cell, struct or object with its nested elements), or {raw} (a whole
 * miMATRIX element).
 */
function variable(rng, b, depth, ops) {
  const kind = depth > 0 ? rng.weighted(['numeric', 'char', 'cell', 'struct', 'empty'], [4, 2, 2, 2, 2]) : rng.weighted(['numeric', 'char', 'complex', 'cell', 'struct', 'object', 'other', 'deep'], [35, 25, 6, 10, 10, 4, 5, 5]);
  const name = depth > 0 ? '' : varName(rng);
  ops.push(kind);
  if (kind === 'numeric' || kind === 'complex') {
    const cls = rng.pick(NUMERIC);
    const storage = rng.chance(0.7) ? rng.pick(STORAGE) : mi.DOUBLE;
    const n = count(rng);
    const dims = dimsFor(rng, n);
    const flags = kind === 'complex' ? flag.COMPLEX : rng.chance(0.1) ? flag.LOGICAL : 0;
    return { header: { cls: rng.chance(0.1) && cls === mx.DOUBLE ? mx.UINT8 : cls, flags, dims, name }, type: storage, bytes: product(dims) * SIZE[storage], complex: kind === 'complex' };
  }
  if (kind === 'char') {
    const storage = rng.pick(CHAR_STORAGE);
    const n = count(rng);
    const dims = dimsFor(rng, n);
    return { header: { cls: mx.CHAR, dims, name }, type: storage, bytes: product(dims) * SIZE[storage] };
  }
  if (kind === 'empty') return { header: { cls: mx.DOUBLE, dims: [0, 0], name }, type: mi.DOUBLE, bytes: 0 };
  if (kind === 'other') return { header: { cls: rng.pick(OTHER), dims: dimsFor(rng, rng.int(4)), name }, type: mi.DOUBLE, bytes: rng.int(64) };
  if (kind === 'deep') return deepCells(b, rng.between(2, 100), name);
  // cell / struct / object: a few nested arrays (at the top level), then empty ones, possibly very many, or a count
  // that claims more than there are
  const n = depth > 0 ? rng.int(6) : rng.weighted([() => rng.int(5), () => rng.between(5, 200), () => rng.between(200, 100_000)], [6, 3, 1])();
  const claimed = rng.chance(0.1) ? rng.pick([n + 1, 2 ** 31 - 1, n * 1000]) : n;
  const fields = kind === 'cell' ? 1 : rng.int(4);
  const full = Math.min(n * fields, depth < 2 ? 8 : 2);
  const nested = [];
  for (let i = 0; i < full; i++) nested.push(rng.chance(0.5) ? b.element(mi.MATRIX, plain(rng, b, depth + 1, ops)) : b.u32(mi.MATRIX, 0));
  nested.push(repeat(b.u32(mi.MATRIX, 0), n * fields - full));
  const parts = [];
  if (kind === 'object') parts.push(b.element(mi.INT8, b.latin1('SomeClass')));
  if (kind !== 'cell') {
    const len = 8;
    parts.push(b.small(mi.INT32, b.i32(len)));
    parts.push(b.element(mi.INT8, new Uint8Array(len * fields).fill(0x66)));
  }
  const cls = kind === 'cell' ? mx.CELL : kind === 'struct' ? mx.STRUCT : mx.OBJECT;
  return { header: { cls, dims: [1, claimed], name }, parts: [...parts, ...nested] };
}

/** A nested array's content, small and uncompressed. */
function plain(rng, b, depth, ops) {
  const v = variable(rng, b, depth, ops);
  if (v.raw) return v.raw.subarray(8);
  if (v.parts) return concat([b.arrayHeader(v.header), ...v.parts]);
  return concat([b.arrayHeader(v.header), b.element(v.type, new Uint8Array(Math.min(v.bytes, 256)))]);
}

/** `depth` 1×1 cells, each inside the one before. */
function deepCells(b, depth, name) {
  let inner = b.element(mi.MATRIX, b.arrayHeader({ cls: mx.DOUBLE, dims: [0, 0], name: '' }));
  for (let d = 1; d < depth; d++) {
    inner = b.element(mi.MATRIX, concat([b.arrayHeader({ cls: mx.CELL, dims: [1, 1], name: d === depth - 1 ? name : '' }), inner]));
  }
  return { raw: inner };
}

/** `el` inside a miCOMPRESSED element. */
function compress(b, el) {
  return b.compressed(deflateSync(el));
}

/** Uncompressed data of `n` bytes: random when small, else a constant fill (text 'a', numbers 0). */
function dataBytes(rng, n, type) {
  const data = new Uint8Array(n);
  if (n <= 4096 && rng.chance(0.5)) for (let i = 0; i < n; i++) data[i] = rng.int(256);
  else if (type === mi.UTF8 || type === mi.UINT8) data.fill(0x61);
  return data;
}

/**
 * One top-level element for variable `v`, or undefined when it does not fit in `room` bytes. Numeric and char
 * data is written out when it fits in 1 MiB (sometimes), else compressed as zeros; sometimes the real part's
 * size lies about the dims, sometimes the compressed element is compressed again.
 */
function topLevel(rng, b, v, room, ops) {
  let el;
  if (v.raw) {
    el = v.raw;
  } else if (v.parts) {
    const head = b.arrayHeader(v.header);
    el = concat([b.u32(mi.MATRIX, head.length + v.parts.reduce((n, p) => n + p.length, 0)), head, ...v.parts]);
    if (rng.chance(0.3)) el = compress(b, el);
  } else {
    let bytes = v.bytes;
    if (rng.chance(0.15)) {
      ops.push('lie:size');
      bytes = rng.pick([bytes + rng.between(1, 8), Math.max(0, bytes - rng.between(1, 8)), bytes * 2, 0]);
    }
    if (bytes > 0xffffff00) return undefined; // a Level 5 element holds < 4 GiB
    const pad = (8 - (bytes % 8)) % 8;
    const head = concat([b.arrayHeader(v.header), b.u32(v.type, bytes)]);
    const tag = b.u32(mi.MATRIX, head.length + bytes + pad);
    if (bytes <= 2 ** 20 && rng.chance(0.5)) {
      ops.push('plain');
      el = concat([tag, head, dataBytes(rng, bytes + pad, v.type)]);
    } else {
      ops.push('compressed');
      el = b.compressed(zlibWithZeros(concat([tag, head]), bytes + pad));
    }
    if (rng.chance(0.05)) {
      ops.push('nested');
      el = compress(b, el);
    }
  }
  return el.length <= room ? el : undefined;
}

/** `n` 1×1 variables of class `cls`, named v0000000, v0000001, … (one element copied, its name patched). */
function manyVariables(b, n, cls) {
  const one = b.matrix({ cls, dims: [1, 1], name: 'v0000000' }, [b.element(mi.DOUBLE, new Uint8Array(8))]);
  const nameAt = 8 + 16 + 16 + 8; // miMATRIX tag, array flags, dims, name tag
  const out = repeat(one, n);
  for (let i = 0; i < n; i++) {
    const digits = String(i).padStart(7, '0');
    for (let k = 0; k < 7; k++) out[i * one.length + nameAt + 1 + k] = digits.charCodeAt(k);
  }
  return out;
}

/** Case input: a whole file of at most MAX_INPUT_BYTES. */
export function generate(rng) {
  const bigEndian = rng.chance(0.25);
  const b = matBuilder(bigEndian);
  const ops = [bigEndian ? 'BE' : 'LE'];
  const many = rng.chance(0.04);
  const nvars = many ? rng.between(1000, 10_000) : rng.weighted([1, 2, 3, 5], [50, 25, 15, 10]);
  if (many) ops.push(`${nvars} variables`);
  const parts = [b.header(rng.chance(0.05) ? '\u001b]0;title\u0007MATLAB 5.0 \n' : undefined)];
  let room = MAX_INPUT_BYTES - 128;
  for (let i = 0; i < nvars && room > 64; i++) {
    const el = many ? manyVariables(b, nvars, rng.pick(NUMERIC)) : topLevel(rng, b, variable(rng, b, 0, ops), room, ops);
    if (el === undefined) continue;
    parts.push(el);
    room -= el.length;
    if (many) break;
  }
  return { kind: ops.slice(0, 3).join(' '), ops, bytes: concat(parts) };
}

/** Parses with READ_OPTIONS, checks the result, and holds typed errors to one short line. */
export function parse(bytes, lib) {
  let file;
  try {
    file = lib.readMat(bytes, READ_OPTIONS);
  } catch (err) {
    if (err instanceof lib.BackpropError && (err.message.includes('\n') || err.message.length > 500)) {
      throw new InvariantError(`a ${err.message.length}-character error message${err.message.includes('\n') ? ' with a newline' : ''}`);
    }
    throw err;
  }
  return check(file);
}
