import { deflateSync } from 'node:zlib';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { type Matrix, toColumnMajor } from '../../matrix.js';
import { padTo8 } from './level5-element.js';
import { mi, mx } from './types.js';

export interface WriteMatOptions {
  /** Wrap each variable in a zlib-compressed miCOMPRESSED element (MATLAB's -v7 default). Default false. */
  compress?: boolean;
  /** Descriptive header text, at most 116 ASCII characters. Default names the writer and the date. */
  header?: string;
}

const MAX_NAME_LENGTH = 63; // MATLAB's namelengthmax
const MAX_DIM = 0x7fffffff;
const MAX_ELEMENT_BYTES = 0xffffffff - 64;

/**
 * Write double matrices as a Level 5 MAT-file (little-endian, version 0x0100) that MATLAB, Octave and
 * scipy.io.loadmat read. Each matrix is stored as class double with miDOUBLE data in column-major order, the
 * layout MATLAB uses, so `A` written here loads as the same rows×cols `A` there.
 */
export function writeMat(
  vars: Record<string, Matrix> | Map<string, Matrix>,
  options: WriteMatOptions = {},
): Uint8Array {
  if (vars === null || typeof vars !== 'object') {
    throw new InvalidArgumentError(`vars: expected an object or Map of name → Matrix, got ${describe(vars)}`);
  }
  const entries = vars instanceof Map ? [...vars.entries()] : Object.entries(vars);
  const parts: Uint8Array[] = [headerBytes(options.header)];
  for (const [name, m] of entries) {
    checkName(name);
    checkMatrix(name, m);
    const element = matrixElement(name, m);
    if (options.compress) {
      const compressed = deflateSync(element);
      parts.push(tag(mi.COMPRESSED, compressed.length), compressed);
    } else {
      parts.push(element);
    }
  }
  return concat(parts);
}

function headerBytes(header: string | undefined): Uint8Array {
  const text =
    header ??
    `MATLAB 5.0 MAT-file, Platform: ${process.platform}, Created on: ${new Date().toUTCString()} by @backprop/nn`;
  if (typeof text !== 'string' || text.length > 116 || !/^[\x20-\x7e]*$/.test(text)) {
    throw new InvalidArgumentError(
      `options.header: expected at most 116 printable ASCII characters, got ${describe(text)}`,
    );
  }
  const out = new Uint8Array(128);
  out.fill(0x20, 0, 116);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  // bytes 116..123: subsystem data offset, none (zeros)
  out[124] = 0x00; // version 0x0100, little-endian
  out[125] = 0x01;
  out[126] = 0x49; // 'I'
  out[127] = 0x4d; // 'M'
  return out;
}

/** One miMATRIX element: array flags, dimensions, name, real part. */
function matrixElement(name: string, m: Matrix): Uint8Array {
  const flags = new Uint8Array(16);
  const fv = new DataView(flags.buffer);
  fv.setUint32(0, mi.UINT32, true);
  fv.setUint32(4, 8, true);
  fv.setUint32(8, mx.DOUBLE, true);
  const dims = new Uint8Array(16);
  const dv = new DataView(dims.buffer);
  dv.setUint32(0, mi.INT32, true);
  dv.setUint32(4, 8, true);
  dv.setInt32(8, m.rows, true);
  dv.setInt32(12, m.cols, true);
  const nameBytes = nameElement(name);
  const values = toColumnMajor(m);
  const real = new Uint8Array(8 + values.length * 8);
  const rv = new DataView(real.buffer);
  rv.setUint32(0, mi.DOUBLE, true);
  rv.setUint32(4, values.length * 8, true);
  for (let i = 0; i < values.length; i++) rv.setFloat64(8 + 8 * i, values[i], true);
  const contentBytes = flags.length + dims.length + nameBytes.length + real.length;
  return concat([tag(mi.MATRIX, contentBytes), flags, dims, nameBytes, real]);
}

/** The name as miINT8: the small element format when it fits in 4 bytes, else a padded full element. */
function nameElement(name: string): Uint8Array {
  if (name.length <= 4) {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setUint32(0, (name.length << 16) | mi.INT8, true);
    for (let i = 0; i < name.length; i++) out[4 + i] = name.charCodeAt(i);
    return out;
  }
  const out = new Uint8Array(8 + padTo8(name.length));
  const v = new DataView(out.buffer);
  v.setUint32(0, mi.INT8, true);
  v.setUint32(4, name.length, true);
  for (let i = 0; i < name.length; i++) out[8 + i] = name.charCodeAt(i);
  return out;
}

function tag(type: number, nbytes: number): Uint8Array {
  const out = new Uint8Array(8);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, nbytes, true);
  return out;
}

function checkName(name: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name) || name.length > MAX_NAME_LENGTH) {
    throw new InvalidArgumentError(
      'vars: variable name must be a MATLAB identifier (a letter, then letters, digits or _; ' +
        `at most ${MAX_NAME_LENGTH} characters), got ${JSON.stringify(name)}`,
    );
  }
}

function checkMatrix(name: string, m: Matrix): void {
  if (m === null || typeof m !== 'object' || !(m.data instanceof Float64Array)) {
    throw new InvalidArgumentError(
      `vars.${name}: expected a Matrix {rows, cols, data: Float64Array}, got ${describe(m)}`,
    );
  }
  const { rows, cols } = m;
  const dimOk = (d: number) => Number.isSafeInteger(d) && d >= 0 && d <= MAX_DIM;
  if (!dimOk(rows) || !dimOk(cols)) {
    throw new ShapeError(`vars.${name}: rows and cols must be integers in 0..${MAX_DIM}, got ${rows}x${cols}`);
  }
  if (m.data.length !== rows * cols) {
    throw new ShapeError(`vars.${name}: a ${rows}x${cols} matrix needs ${rows * cols} values, got ${m.data.length}`);
  }
  if (m.data.length * 8 > MAX_ELEMENT_BYTES) {
    throw new ShapeError(`vars.${name}: ${m.data.length} doubles exceed the 4 GiB limit of a Level 5 element`);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return typeof v;
}
