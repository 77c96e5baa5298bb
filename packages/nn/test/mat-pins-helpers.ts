// What the MAT reader's pin files share (mat-level4-pins, mat-level4-file-pins, mat-level5-file-pins): Level 4
// matrices built byte by byte, and the MatFileError a read must end in.
import { expect } from 'vitest';
import { MatFileError, readMat } from '../src/data/mat/index.js';

/** One Level 4 matrix: the 20-byte header (type code, mrows, ncols, imagf, namlen), the name, then `data`. */
export function v4(code: number, mrows: number, ncols: number, imagf: number, name: string, data: number[] | Uint8Array, le = true): Uint8Array {
  const nameBytes = Uint8Array.from(name, (c) => c.charCodeAt(0));
  const head = new DataView(new ArrayBuffer(20));
  [code, mrows, ncols, imagf, nameBytes.length].forEach((v, i) => head.setInt32(4 * i, v, le));
  return concat(new Uint8Array(head.buffer), nameBytes, Uint8Array.from(data));
}
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
/** `values` as little- or big-endian doubles. */
export function doubles(values: number[], le = true): Uint8Array {
  const v = new DataView(new ArrayBuffer(8 * values.length));
  values.forEach((x, i) => v.setFloat64(8 * i, x, le));
  return new Uint8Array(v.buffer);
}

export function refusal(bytes: Uint8Array, maxBytes?: number): MatFileError {
  try {
    readMat(bytes, maxBytes === undefined ? {} : { maxBytes });
  } catch (e) {
    expect(e).toBeInstanceOf(MatFileError);
    return e as MatFileError;
  }
  throw new Error('expected a MatFileError');
}
