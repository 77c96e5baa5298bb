/**
 * Writing IDX files (the MNIST distribution format, read by ./idx.ts): 0x00 0x00 <type> <ndim>, ndim big-endian
 * uint32 dimensions, then the values big-endian in row-major order.
 */
import { InvalidArgumentError } from '../errors.js';
import type { IdxArray, IdxType } from './idx.js';

/** Each type's IDX code, bytes per value and big-endian writer (DataView writes big-endian unless told otherwise). */
const codes: Record<IdxType, { code: number; size: number; set: (view: DataView, at: number, v: number) => void }> = {
  uint8: { code: 0x08, size: 1, set: (view, at, v) => view.setUint8(at, v) },
  int8: { code: 0x09, size: 1, set: (view, at, v) => view.setInt8(at, v) },
  int16: { code: 0x0b, size: 2, set: (view, at, v) => view.setInt16(at, v) },
  int32: { code: 0x0c, size: 4, set: (view, at, v) => view.setInt32(at, v) },
  float32: { code: 0x0d, size: 4, set: (view, at, v) => view.setFloat32(at, v) },
  float64: { code: 0x0e, size: 8, set: (view, at, v) => view.setFloat64(at, v) },
};

/** Encode an array as an IDX file. */
export function writeIdx(array: IdxArray): Buffer {
  const kind = codes[array.type];
  if (!kind) throw new InvalidArgumentError(`type: expected one of ${Object.keys(codes).join(', ')}, got ${array.type}`);
  const { dims, data } = array;
  if (!Array.isArray(dims) || dims.length < 1 || dims.length > 255 || !dims.every((d) => Number.isInteger(d) && d >= 0 && d <= 0xffffffff)) {
    throw new InvalidArgumentError(`dims: expected 1..255 sizes, each an integer in 0..4294967295, got ${JSON.stringify(dims)}`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new InvalidArgumentError(`data: dims ${dims.join('x')} need ${count} values, got ${data.length}`);
  const header = 4 + 4 * dims.length;
  const out = Buffer.alloc(header + count * kind.size);
  out[2] = kind.code;
  out[3] = dims.length;
  dims.forEach((d, i) => out.writeUInt32BE(d, 4 + 4 * i));
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0; i < count; i++) kind.set(view, header + i * kind.size, data[i]);
  return out;
}
