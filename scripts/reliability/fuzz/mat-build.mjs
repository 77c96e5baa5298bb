// Level 5 MAT-file building blocks, little- or big-endian, for the structure-aware generator (formats/mat-structured)
// and the tests that write hostile files. `zlibWithZeros` writes a zlib stream of a prefix followed by any number
// of zero bytes in time proportional to the compressed size, so a test can hold a 1 GB inflate bomb without ever
// compressing a gigabyte.
import { constants, deflateRawSync } from 'node:zlib';

export const mi = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15, UTF8: 16, UTF16: 17, UTF32: 18 };
export const mx = { CELL: 1, STRUCT: 2, OBJECT: 3, CHAR: 4, SPARSE: 5, DOUBLE: 6, SINGLE: 7, INT8: 8, UINT8: 9, INT16: 10, UINT16: 11, INT32: 12, UINT32: 13, INT64: 14, UINT64: 15, FUNCTION: 16, OPAQUE: 17 };
/** Array flag bits (in the first word of the array flags, beside the class byte). */
export const flag = { COMPLEX: 0x0800, GLOBAL: 0x0400, LOGICAL: 0x0200 };

export function concat(parts) {
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

const pad8 = (n) => (8 - (n % 8)) % 8;

/** `k` copies of `bytes`, end to end. */
export function repeat(bytes, k) {
  const out = new Uint8Array(bytes.length * k);
  for (let i = 0; i < k; i++) out.set(bytes, i * bytes.length);
  return out;
}

/** Builders for one byte order. */
export function matBuilder(bigEndian = false) {
  const le = !bigEndian;
  const words = (setter, xs) => {
    const out = new Uint8Array(4 * xs.length);
    const v = new DataView(out.buffer);
    xs.forEach((x, i) => v[setter](4 * i, x, le));
    return out;
  };
  const u32 = (...xs) => words('setUint32', xs);
  const i32 = (...xs) => words('setInt32', xs);
  /** A full element: tag, data, padding to 8 bytes (`nbytes` may lie about the data's length). */
  const element = (type, data, nbytes = data.length) => concat([u32(type, nbytes), data, new Uint8Array(pad8(data.length))]);
  /** A small element: ≤ 4 bytes of data packed into the tag. */
  const small = (type, data) => {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setUint32(0, ((data.length << 16) | type) >>> 0, le);
    out.set(data, 4);
    return out;
  };
  const latin1 = (s) => new Uint8Array(Buffer.from(s, 'latin1'));
  /** The 128-byte file header. */
  const header = (text = 'MATLAB 5.0 MAT-file, structure-aware fuzz input') => {
    const out = new Uint8Array(128).fill(0x20);
    out.set(latin1(text.slice(0, 116)));
    out.fill(0, 116, 124);
    new DataView(out.buffer).setUint16(124, 0x0100, le);
    out[126] = 0x49; // 'IM' as written in the file's byte order
    out[127] = 0x4d;
    if (bigEndian) [out[126], out[127]] = [0x4d, 0x49];
    return out;
  };
  /** Array flags, dims and name: the start of every miMATRIX content. */
  const arrayHeader = ({ cls, flags = 0, dims, name }) =>
    concat([element(mi.UINT32, u32(((flags & 0xff00) | cls) >>> 0, 0)), element(mi.INT32, i32(...dims)), element(mi.INT8, latin1(name))]);
  /** A whole miMATRIX element from its header fields and the sub-elements after the name. */
  const matrix = (h, parts = []) => element(mi.MATRIX, concat([arrayHeader(h), ...parts]));
  /** A miCOMPRESSED element around a zlib stream (compressed elements are not padded). */
  const compressed = (stream) => concat([u32(mi.COMPRESSED, stream.length), stream]);
  const file = (...elements) => concat([header(), ...elements]);
  return { u32, i32, element, small, header, arrayHeader, matrix, compressed, file, latin1 };
}

/** Adler-32 of `prefix` followed by `zeros` zero bytes. */
function adler32(prefix, zeros) {
  let a = 1;
  let b = 0;
  for (const byte of prefix) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  b = (b + ((a * (zeros % 65521)) % 65521)) % 65521;
  return ((b << 16) | a) >>> 0;
}

/** Sizes of the zero runs whose deflate blocks are made once and reused: 16 MiB, 1 MiB, 64 KiB, 4 KiB. */
const ZERO_RUNS = [1 << 24, 1 << 20, 1 << 16, 1 << 12];
const zeroBlocks = new Map(); // run size → raw deflate blocks of that many zeros, ending on a byte boundary

function zeroBlock(size) {
  let block = zeroBlocks.get(size);
  if (!block) {
    block = deflateRawSync(new Uint8Array(size), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
    zeroBlocks.set(size, block);
  }
  return block;
}

/**
 * A zlib stream that inflates to `prefix` then `zeros` zero bytes, in time proportional to its compressed size.
 * The zeros are runs of 16 MiB, 1 MiB, 64 KiB and 4 KiB whose deflate blocks are made once and repeated: each copy
 * was compressed from a fresh stream, so its back-references stay inside its own zeros, and the sync flush ends it
 * on a byte boundary. The remainder below 4 KiB is compressed with the prefix.
 */
export function zlibWithZeros(prefix, zeros) {
  let left = zeros;
  const runs = [];
  for (const size of ZERO_RUNS) {
    for (; left >= size; left -= size) runs.push(zeroBlock(size));
  }
  const head = deflateRawSync(concat([prefix, new Uint8Array(left)]), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const trailer = new Uint8Array(4);
  new DataView(trailer.buffer).setUint32(0, adler32(prefix, zeros));
  // zlib header (deflate, 32 KiB window, best compression), the blocks, a final empty fixed-code block, Adler-32.
  return concat([Uint8Array.of(0x78, 0xda), head, ...runs, Uint8Array.of(0x03, 0x00), trailer]);
}
