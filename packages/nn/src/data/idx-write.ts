/**
 * Writing IDX files (the MNIST distribution format, read by ./idx.ts): 0x00 0x00 <type> <ndim>, ndim big-endian
 * uint32 dimensions, then the values big-endian in row-major order.
 */
import { InvalidArgumentError } from '../errors.js';
import type { IdxArray, IdxType } from './idx.js';

const codes: Record<IdxType, { code: number; size: number }> = {
  uint8: { code: 0x08, size: 1 },
  int8: { code: 0x09, size: 1 },
  int16: { code: 0x0b, size: 2 },
  int32: { code: 0x0c, size: 4 },
  float32: { code: 0x0d, size: 4 },
  float64: { code: 0x0e, size: 8 },
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
  for (let i = 0; i < count; i++) {
    const at = header + i * kind.size;
    const v = data[i];
    switch (array.type) {
      case 'uint8':
        view.setUint8(at, v);
        break;
      case 'int8':
        view.setInt8(at, v);
        break;
      case 'int16':
        view.setInt16(at, v);
        break;
      case 'int32':
        view.setInt32(at, v);
        break;
      case 'float32':
        view.setFloat32(at, v);
        break;
      case 'float64':
        view.setFloat64(at, v);
        break;
    }
  }
  return out;
}
