/**
 * IDX files (the MNIST distribution format): a magic number 0x00 0x00 <type> <ndim>, then ndim big-endian uint32
 * dimensions, then the values, big-endian, in row-major order. Gzip-compressed files (.gz, magic 1f 8b) are
 * inflated first, never beyond `maxBytes` nor beyond the size the IDX header at the start of the stream declares.
 */
import { readFileSync } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { InvalidArgumentError } from '../errors.js';
import { DataFileError, DataFormatError, exactProduct } from './errors.js';

export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  type: IdxType;
  /** Sizes, outermost first (MNIST images: [count, rows, cols]). */
  dims: number[];
  /** Values in row-major order, as a typed array of the file's type. */
  data: IdxData;
}

export interface ReadIdxOptions {
  /** Largest inflated size accepted for gzip input, in bytes. Default 1 GiB. */
  maxBytes?: number;
}

const types: Record<number, { type: IdxType; size: number } | undefined> = {
  0x08: { type: 'uint8', size: 1 },
  0x09: { type: 'int8', size: 1 },
  0x0b: { type: 'int16', size: 2 },
  0x0c: { type: 'int32', size: 4 },
  0x0d: { type: 'float32', size: 4 },
  0x0e: { type: 'float64', size: 8 },
};

const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;

/** Decode an IDX file held in memory (plain or gzip-compressed). */
export function readIdx(bytes: Uint8Array, options: ReadIdxOptions = {}): IdxArray {
  if (!(bytes instanceof Uint8Array)) {
    throw new InvalidArgumentError(`bytes: expected a Uint8Array (or Buffer), got ${typeof bytes}`);
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (typeof maxBytes !== 'number' || !(maxBytes > 0) || !Number.isFinite(maxBytes)) {
    throw new InvalidArgumentError(`options.maxBytes: expected a positive number of bytes, got ${maxBytes}`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzip(bytes, maxBytes);
  const { kind, dims, headerBytes } = readHeader(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const available = bytes.length - headerBytes;
  const count = dims.reduce((a, b) => a * b, 1);
  if (count * kind.size !== available) {
    throw new DataFormatError(
      'ERR_IDX_SIZE',
      `IDX dims ${idxDims(dims, 'x')} of ${kind.type} need ${exactProduct([...dims, kind.size])} bytes of data, the file has ${available}`,
      { offset: headerBytes },
    );
  }
  return { type: kind.type, dims, data: decode(view, headerBytes, kind.type, count) };
}

/** Dims shown in a message: all of them up to {@link IDX_DIMS_SHOWN}, else the first ones, "…" and how many (a header may declare 255). */
export const IDX_DIMS_SHOWN = 8;
export function idxDims(dims: readonly number[], separator: string): string {
  if (dims.length <= IDX_DIMS_SHOWN) return dims.join(separator);
  return `${dims.slice(0, IDX_DIMS_SHOWN).join(separator)}${separator}… (${dims.length} dimensions)`;
}

/** Read an IDX file from disk; `.gz` (or any gzip content) is inflated. */
export function readIdxFile(path: string, options: ReadIdxOptions = {}): IdxArray {
  if (typeof path !== 'string' || path === '') {
    throw new InvalidArgumentError(`path: expected a file path, got ${JSON.stringify(path)}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new DataFileError(path, 'cannot read', cause);
  }
  return readIdx(bytes, options);
}

/** `n` big-endian values of `type` starting at byte `at`, copied into a fresh typed array. */
function decode(view: DataView, at: number, type: IdxType, n: number): IdxData {
  switch (type) {
    case 'uint8':
      return new Uint8Array(view.buffer, view.byteOffset + at, n).slice();
    case 'int8':
      return new Int8Array(view.buffer, view.byteOffset + at, n).slice();
    case 'int16': {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(at + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(at + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(at + 8 * i, false);
      return out;
    }
  }
}

function gunzip(bytes: Uint8Array, maxBytes: number): Uint8Array {
  const declared = declaredSize(bytes);
  const tooLarge = () => new DataFormatError('ERR_IDX_TOO_LARGE', `gzip content inflates to more than maxBytes = ${maxBytes}`, { offset: 0 });
  if (declared !== undefined && declared > maxBytes) throw tooLarge();
  try {
    return gunzipSync(bytes, { maxOutputLength: Math.min(declared ?? maxBytes, maxBytes, bufferConstants.MAX_LENGTH) });
  } catch (cause) {
    if ((cause as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE' || cause instanceof RangeError) {
      if (declared === undefined || declared >= maxBytes) throw tooLarge();
      throw new DataFormatError('ERR_IDX_SIZE', `gzip content inflates to more than the ${declared} bytes its IDX header declares`, { offset: 0 });
    }
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new DataFormatError('ERR_IDX_GZIP', `gzip stream is corrupt: ${detail}`, { offset: 0 });
  }
}

/** The header: magic, type, dimensions; DataFormatError at the first byte that is not IDX or not there. */
function readHeader(bytes: Uint8Array): { kind: { type: IdxType; size: number }; dims: number[]; headerBytes: number } {
  if (bytes.length < 4) {
    throw new DataFormatError('ERR_IDX_FORMAT', `IDX header needs 4 bytes, got ${bytes.length}`, { offset: 0 });
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataFormatError(
      'ERR_IDX_FORMAT',
      `IDX magic must start with 0x00 0x00, got 0x${hex(bytes[0])} 0x${hex(bytes[1])}`,
      { offset: 0 },
    );
  }
  const kind = types[bytes[2]];
  if (kind === undefined) {
    throw new DataFormatError(
      'ERR_IDX_FORMAT',
      `IDX type byte must be 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e, got 0x${hex(bytes[2])}`,
      { offset: 2 },
    );
  }
  const ndim = bytes[3];
  if (ndim === 0) throw new DataFormatError('ERR_IDX_FORMAT', 'IDX file has 0 dimensions', { offset: 3 });
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new DataFormatError(
      'ERR_IDX_SIZE',
      `IDX header with ${ndim} dimensions needs ${headerBytes} bytes, got ${bytes.length}`,
      { offset: 4 },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  return { kind, dims, headerBytes };
}

/**
 * The bytes (header and values) the IDX header at the start of a gzip stream declares, read by inflating as little
 * of the stream as gives the header (at most 1 KiB of it, which inflates to at most ~1 MiB); undefined when that
 * start holds no IDX header (the whole read then says what is wrong).
 */
function declaredSize(bytes: Uint8Array): number | undefined {
  for (let prefix = 64; ; prefix *= 4) {
    let start: Uint8Array;
    try {
      start = gunzipSync(bytes.subarray(0, prefix), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: 2 ** 21 });
    } catch {
      return undefined;
    }
    const complete = start.length >= 4 && start.length >= 4 + 4 * start[3];
    if (complete) {
      try {
        const { kind, dims, headerBytes } = readHeader(start);
        return headerBytes + dims.reduce((a, b) => a * b, 1) * kind.size;
      } catch {
        return undefined;
      }
    }
    if (prefix >= bytes.length || prefix >= 1024) return undefined;
  }
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
