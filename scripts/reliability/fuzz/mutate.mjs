// Byte-level mutations of a valid seed file: bit flips, byte sets, truncation, splices of two seeds, "interesting"
// integers written into the header fields a format locates, duplication, deletion and insertion of ranges.
// Every mutation is a pure function of (rng, bytes, context) so a case replays exactly from its seed.

export const INTERESTING_8 = [0x00, 0x01, 0x02, 0x07, 0x08, 0x0f, 0x10, 0x7f, 0x80, 0xfe, 0xff];
export const INTERESTING_16 = [0x0000, 0x0001, 0x00ff, 0x0100, 0x7fff, 0x8000, 0xfffe, 0xffff];
export const INTERESTING_32 = [
  0x00000000, 0x00000001, 0x00000002, 0x00000003, 0x00000007, 0x00000008, 0x000000ff, 0x0000ffff, 0x00010000,
  0x000f4240 /* 1e6 */, 0x05f5e100 /* 1e8 */, 0x00ffffff, 0x01000000, 0x10000000, 0x40000000, 0x7ffffffe,
  0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff,
];

/**
 * A field of a header a format knows about: `width` bytes at `offset`, big- or little-endian.
 * @typedef {{ offset: number, width: 1 | 2 | 4, bigEndian: boolean, name: string }} Field
 */

/**
 * What a format lends the mutator: its valid seeds (for splices) and where its header fields are in `bytes`.
 * @typedef {{ seeds: Uint8Array[], fields: (bytes: Uint8Array) => Field[] }} MutationContext
 */

function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Writes `value` into `field` of `bytes` (in place; the parts that fall outside `bytes` are dropped). */
export function writeField(bytes, field, value) {
  for (let i = 0; i < field.width; i++) {
    const shift = field.bigEndian ? 8 * (field.width - 1 - i) : 8 * i;
    const at = field.offset + i;
    if (at >= 0 && at < bytes.length) bytes[at] = (value >>> shift) & 0xff;
  }
}

function readField(bytes, field) {
  let v = 0;
  for (let i = 0; i < field.width; i++) {
    const at = field.offset + i;
    const b = at < bytes.length ? bytes[at] : 0;
    v = field.bigEndian ? v * 256 + b : v + b * 2 ** (8 * i);
  }
  return v;
}

/** An interesting value for a field of `width` bytes, sometimes relative to the file length or the old value. */
function interestingValue(rng, width, bytes, old) {
  const max = width === 4 ? 0xffffffff : width === 2 ? 0xffff : 0xff;
  const pool = width === 4 ? INTERESTING_32 : width === 2 ? INTERESTING_16 : INTERESTING_8;
  switch (rng.int(4)) {
    case 0:
      return Math.min(max, Math.max(0, bytes.length + rng.between(-9, 9)));
    case 1:
      return Math.min(max, Math.max(0, old + rng.between(-4, 4)));
    case 2:
      return Math.min(max, old * rng.pick([2, 8, 256, 65536]));
    default:
      return rng.pick(pool);
  }
}

const mutators = {
  bitflip(rng, bytes) {
    if (bytes.length === 0) return null;
    const out = bytes.slice();
    const n = rng.between(1, 8);
    for (let i = 0; i < n; i++) out[rng.int(out.length)] ^= 1 << rng.int(8);
    return out;
  },
  byteset(rng, bytes) {
    if (bytes.length === 0) return null;
    const out = bytes.slice();
    const n = rng.between(1, 4);
    for (let i = 0; i < n; i++) out[rng.int(out.length)] = rng.chance(0.7) ? rng.pick(INTERESTING_8) : rng.int(256);
    return out;
  },
  truncate(rng, bytes) {
    if (bytes.length === 0) return null;
    // Favour cuts near the front (headers) and near the end (the last element).
    const at = rng.chance(0.5) ? rng.int(Math.min(bytes.length, 160)) : rng.int(bytes.length);
    return bytes.slice(0, at);
  },
  splice(rng, bytes, ctx) {
    const other = rng.pick(ctx.seeds);
    const i = rng.int(bytes.length + 1);
    const j = rng.int(other.length + 1);
    return concat(bytes.subarray(0, i), other.subarray(j));
  },
  hugefield(rng, bytes, ctx) {
    const fields = ctx.fields(bytes);
    if (fields.length === 0) return null;
    const out = bytes.slice();
    const n = rng.chance(0.8) ? 1 : rng.between(2, 3);
    for (let k = 0; k < n; k++) {
      const f = rng.pick(fields);
      writeField(out, f, interestingValue(rng, f.width, out, readField(out, f)));
    }
    return out;
  },
  duplicate(rng, bytes) {
    if (bytes.length === 0) return null;
    const from = rng.int(bytes.length);
    const len = rng.between(1, Math.min(bytes.length - from, rng.chance(0.5) ? 16 : 512));
    const chunk = bytes.subarray(from, from + len);
    const times = rng.chance(0.8) ? 1 : rng.between(2, 64);
    const at = rng.int(bytes.length + 1);
    const copies = Array.from({ length: times }, () => chunk);
    return concat(bytes.subarray(0, at), ...copies, bytes.subarray(at));
  },
  remove(rng, bytes) {
    if (bytes.length === 0) return null;
    const from = rng.int(bytes.length);
    const len = rng.between(1, Math.min(bytes.length - from, 64));
    return concat(bytes.subarray(0, from), bytes.subarray(from + len));
  },
  insert(rng, bytes) {
    const len = rng.between(1, 32);
    const junk = new Uint8Array(len);
    for (let i = 0; i < len; i++) junk[i] = rng.chance(0.5) ? rng.pick(INTERESTING_8) : rng.int(256);
    const at = rng.int(bytes.length + 1);
    return concat(bytes.subarray(0, at), junk, bytes.subarray(at));
  },
  arith(rng, bytes) {
    if (bytes.length < 4) return null;
    const out = bytes.slice();
    const view = new DataView(out.buffer);
    const at = rng.int(out.length - 3);
    const little = rng.chance(0.5);
    view.setUint32(at, (view.getUint32(at, little) + rng.between(-35, 35)) >>> 0, little);
    return out;
  },
};

export const BYTE_MUTATIONS = Object.keys(mutators);
// Weights: header fields and truncation reach the most code; splices and structure changes the rest.
const WEIGHTS = { bitflip: 3, byteset: 3, truncate: 2, splice: 2, hugefield: 5, duplicate: 2, remove: 1, insert: 1, arith: 2 };

/**
 * One generic byte mutation chosen at random (or `name`); returns the new bytes and the mutation's name.
 * @param {import('./prng.mjs').FuzzRng} rng
 * @param {Uint8Array} bytes
 * @param {MutationContext} ctx
 */
export function mutateOnce(rng, bytes, ctx, name) {
  for (let attempt = 0; attempt < 8; attempt++) {
    const op = name ?? rng.weighted(BYTE_MUTATIONS, BYTE_MUTATIONS.map((k) => WEIGHTS[k]));
    const out = mutators[op](rng, bytes, ctx);
    if (out !== null) return { bytes: out, op };
  }
  return { bytes: bytes.slice(), op: 'none' };
}

/** 1–3 stacked byte mutations (mostly 1). */
export function mutateBytes(rng, bytes, ctx) {
  const count = rng.weighted([1, 2, 3], [6, 3, 1]);
  const ops = [];
  let out = bytes;
  for (let i = 0; i < count; i++) {
    const step = mutateOnce(rng, out, ctx);
    out = step.bytes;
    ops.push(step.op);
  }
  return { bytes: out, ops };
}

export { concat };
