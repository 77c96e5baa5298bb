import { constants as bufferConstants } from 'node:buffer';
import type { ByteSource } from './bytes.js';
import { MatFileError } from './errors.js';
import { type Budget, decodeNumeric, storageSize } from './numeric.js';
import { mi } from './types.js';

/**
 * Bytes that decoding a char array of `count` characters with these dims builds: its UTF-16 codes as doubles (8
 * bytes each), its text (2 bytes per UTF-16 unit: the characters plus a '\n' per row after the first) and the
 * buffer the text is assembled in (as much again); for miUTF8 data also the intermediate decoded string (2 bytes
 * per character).
 */
export function charArrayBytes(count: number, dims: readonly number[], type: number): number {
  return 8 * count + 4 * textLength(count, dims) + (type === mi.UTF8 ? 2 * count : 0);
}

/**
 * Reserve `charArrayBytes` before any of it is built. Text longer than V8's string limit is refused here too,
 * since building it would end the process rather than throw.
 */
export function reserveCharArray(
  budget: Budget,
  count: number,
  dims: readonly number[],
  type: number,
  offset: number,
  variable: string,
): void {
  const length = textLength(count, dims);
  if (length > bufferConstants.MAX_STRING_LENGTH) {
    throw new MatFileError(
      'ERR_MAT_TOO_LARGE',
      `char array text of ${length} characters is longer than the longest string (${bufferConstants.MAX_STRING_LENGTH})`,
      { variable, offset },
    );
  }
  budget.take(charArrayBytes(count, dims, type), 'char array', offset, variable);
}

/** UTF-16 units of the text of a char array: every character, plus a '\n' between rows. */
function textLength(count: number, dims: readonly number[]): number {
  const rows = dims[0] ?? 0;
  return rows === 0 || count === 0 ? 0 : count + rows - 1;
}

/**
 * UTF-16 code units of a char array's data, whatever its storage: miUTF8, miUTF16/miUINT16, miUTF32, or any
 * numeric type holding character codes (old writers use miUINT8). `count` is the element count from the dims.
 */
export function decodeCharCodes(
  src: ByteSource,
  pos: number,
  type: number,
  nbytes: number,
  count: number,
  end: number,
  variable: string,
): Float64Array {
  const offset = src.fileOffset(pos);
  src.need(pos, nbytes, 'char data', end, variable);
  const mismatch = (got: string) =>
    new MatFileError('ERR_MAT_CORRUPT', `char array dims need ${count} characters but its data ${got}`, {
      variable,
      offset,
    });
  if (type === mi.UTF8) {
    // Each UTF-16 unit takes 1 to 3 bytes of UTF-8 (a 4-byte sequence gives 2 units): refuse before decoding.
    if (nbytes < count || nbytes > 3 * count) throw mismatch(`is ${nbytes} bytes of UTF-8`);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(src.bytes.subarray(pos, pos + nbytes));
    } catch (cause) {
      throw new MatFileError('ERR_MAT_CORRUPT', 'char data is not valid UTF-8', { variable, offset, cause });
    }
    if (text.length !== count) throw mismatch(`decodes to ${text.length}`);
    const codes = new Float64Array(count);
    for (let i = 0; i < count; i++) codes[i] = text.charCodeAt(i);
    return codes;
  }
  if (type === mi.UTF32) {
    if (nbytes % 4 !== 0) {
      throw new MatFileError('ERR_MAT_CORRUPT', `miUTF32 char data of ${nbytes} bytes is not a multiple of 4`, {
        variable,
        offset,
      });
    }
    return decodeUtf32(src, pos, nbytes, count, variable, mismatch);
  }
  const storage = type === mi.UTF16 ? mi.UINT16 : type;
  const size = storageSize[storage];
  if (size === undefined || size * count !== nbytes) throw mismatch(`is ${nbytes} bytes of type ${type}`);
  return decodeNumeric(src, pos, storage, count, end);
}

/** Code points → UTF-16 units (two for a code point past U+FFFF), counted first so nothing is built on a mismatch. */
function decodeUtf32(
  src: ByteSource,
  pos: number,
  nbytes: number,
  count: number,
  variable: string,
  mismatch: (got: string) => MatFileError,
): Float64Array {
  const points = nbytes / 4;
  if (count < points || count > 2 * points) throw mismatch(`is ${points} code points`);
  const v = src.view;
  const le = src.littleEndian;
  let units = 0;
  for (let i = 0; i < nbytes; i += 4) {
    const cp = v.getUint32(pos + i, le);
    if (cp > 0x10ffff) {
      throw new MatFileError('ERR_MAT_CORRUPT', `char data holds invalid code point ${cp}`, {
        variable,
        offset: src.fileOffset(pos),
      });
    }
    units += cp > 0xffff ? 2 : 1;
  }
  if (units !== count) throw mismatch(`decodes to ${units}`);
  const codes = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < nbytes; i += 4) {
    const cp = v.getUint32(pos + i, le);
    if (cp > 0xffff) {
      codes[k++] = 0xd800 + ((cp - 0x10000) >> 10);
      codes[k++] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
    } else {
      codes[k++] = cp;
    }
  }
  return codes;
}

/**
 * Text of a column-major char array: one line per row, rows joined by '\n' (dims beyond 2 extend the rows). The
 * UTF-16LE bytes of the whole text are written into one buffer and decoded once: no string per row or per
 * character. A code is taken modulo 2^16, as `String.fromCharCode` does.
 */
export function charArrayText(codes: Float64Array, dims: readonly number[]): string {
  const rows = dims[0] ?? 0;
  const length = textLength(codes.length, dims);
  if (length === 0) return '';
  const cols = codes.length / rows;
  const bytes = Buffer.alloc(2 * length);
  let k = 0;
  for (let i = 0; i < rows; i++) {
    if (i > 0) {
      bytes[k] = 0x0a;
      k += 2;
    }
    for (let j = 0; j < cols; j++) {
      const c = codes[j * rows + i];
      bytes[k++] = c & 0xff;
      bytes[k++] = (c >> 8) & 0xff;
    }
  }
  return bytes.toString('utf16le');
}
