import type { ByteSource } from './bytes.js';
import { MatFileError } from './errors.js';
import { decodeNumeric, storageSize } from './numeric.js';
import { mi } from './types.js';

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
  let text: string | undefined;
  if (type === mi.UTF8) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(src.bytes.subarray(pos, pos + nbytes));
    } catch (cause) {
      throw new MatFileError('ERR_MAT_CORRUPT', 'char data is not valid UTF-8', { variable, offset, cause });
    }
  } else if (type === mi.UTF32) {
    if (nbytes % 4 !== 0) {
      throw new MatFileError('ERR_MAT_CORRUPT', `miUTF32 char data of ${nbytes} bytes is not a multiple of 4`, {
        variable,
        offset,
      });
    }
    const parts: string[] = [];
    for (let i = 0; i < nbytes; i += 4) {
      const cp = src.view.getUint32(pos + i, src.littleEndian);
      if (cp > 0x10ffff) {
        throw new MatFileError('ERR_MAT_CORRUPT', `char data holds invalid code point ${cp}`, { variable, offset });
      }
      parts.push(String.fromCodePoint(cp));
    }
    text = parts.join('');
  }
  if (text !== undefined) {
    if (text.length !== count) {
      throw new MatFileError(
        'ERR_MAT_CORRUPT',
        `char array dims need ${count} characters but its data decodes to ${text.length}`,
        { variable, offset },
      );
    }
    const codes = new Float64Array(count);
    for (let i = 0; i < count; i++) codes[i] = text.charCodeAt(i);
    return codes;
  }
  const storage = type === mi.UTF16 ? mi.UINT16 : type;
  const size = storageSize[storage];
  if (size === undefined || size * count !== nbytes) {
    throw new MatFileError(
      'ERR_MAT_CORRUPT',
      `char array dims need ${count} characters but its data is ${nbytes} bytes of type ${type}`,
      { variable, offset },
    );
  }
  return decodeNumeric(src, pos, storage, count, end);
}

/** Text of a column-major char array: one line per row, rows joined by '\n' (dims beyond 2 extend the rows). */
export function charArrayText(codes: Float64Array, dims: readonly number[]): string {
  const rows = dims[0] ?? 0;
  if (rows === 0 || codes.length === 0) return '';
  const cols = codes.length / rows;
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    let line = '';
    for (let j = 0; j < cols; j++) line += String.fromCharCode(codes[j * rows + i]);
    lines.push(line);
  }
  return lines.join('\n');
}
