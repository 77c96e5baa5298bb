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
  const latin1 = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
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

const ZERO_CHUNK = 1 << 24;
let zeroBlock; // the raw deflate blocks of ZERO_CHUNK zeros, ending on a byte boundary; built once

/**
 * A zlib stream that inflates to `prefix` then `zeros` zero bytes. The deflate blocks of 16 MiB of zeros are made
 * once and repeated (a sync flush ends each copy on a byte boundary and back-references only ever see zeros).
 */
export function zlibWithZeros(prefix, zeros) {
  zeroBlock ??= deflateRawSync(new Uint8Array(ZERO_CHUNK), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const whole = Math.floor(zeros / ZERO_CHUNK);
  const rest = zeros - whole * ZERO_CHUNK;
  const head = deflateRawSync(concat([prefix, new Uint8Array(rest)]), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const parts = [Uint8Array.of(0x78, 0xda), head];
  for (let i = 0; i < whole; i++) parts.push(zeroBlock);
  parts.push(Uint8Array.of(0x03, 0x00)); // a final, empty block with fixed codes
  const trailer = new Uint8Array(4);
  new DataView(trailer.buffer).setUint32(0, adler32(prefix, zeros));
  parts.push(trailer);
  return concat(parts);
}
