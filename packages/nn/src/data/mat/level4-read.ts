import { ByteSource } from './bytes.js';
import { charArrayText, reserveCharArray } from './chars.js';
import { MatFileError } from './errors.js';
import { Budget, decodeNumeric, elementCount, RECORD_BYTES, rowMajorMatrix } from './numeric.js';
import { type MatFile, type MatVariable, mi } from './types.js';

/** Precision digit P of the MOPT type code → on-disk storage (as a Level 5 mi type) and its size. */
const precision: { storage: number; size: number; name: string }[] = [
  { storage: mi.DOUBLE, size: 8, name: 'double' },
  { storage: mi.SINGLE, size: 4, name: 'single' },
  { storage: mi.INT32, size: 4, name: 'int32' },
  { storage: mi.INT16, size: 2, name: 'int16' },
  { storage: mi.UINT16, size: 2, name: 'uint16' },
  { storage: mi.UINT8, size: 1, name: 'uint8' },
];

interface Mopt {
  littleEndian: boolean;
  P: number;
  T: number;
}

/**
 * Read a Level 4 MAT-file: a sequence of matrices, each a 20-byte header (type code MOPT, mrows, ncols, imagf,
 * namlen), the name (namlen bytes, NUL-terminated), then the real (and, if imagf, imaginary) data column-major.
 * MOPT's M digit gives the byte order (0 IEEE little-endian, 1 IEEE big-endian; VAX and Cray are refused), O is
 * 0, P the on-disk precision (double, single, int32, int16, uint16, uint8) and T the kind (0 numeric, 1 text,
 * 2 sparse). Level 4 has no classes: numeric matrices are class 'double', as MATLAB loads them, whatever P is
 * (scipy.io.loadmat keeps P's dtype instead; the values are the same).
 */
export function readLevel4(bytes: Uint8Array, maxBytes: number): MatFile {
  const budget = new Budget(maxBytes);
  const file: MatFile = { format: 'level4', endian: 'LE', variables: new Map(), skipped: [] };
  let pos = 0;
  while (pos < bytes.length) {
    const first = pos === 0;
    if (bytes.length - pos < 4) {
      const left = bytes.length - pos;
      throw new MatFileError('ERR_MAT_TRUNCATED', `a Level 4 matrix header needs 20 bytes, ${left} left`, {
        offset: pos,
      });
    }
    const mopt = readMopt(bytes, pos);
    if (mopt === undefined) {
      const what = first
        ? 'not a MAT-file: no Level 5 header and no valid Level 4 type code'
        : 'invalid Level 4 type code';
      throw new MatFileError(first ? 'ERR_MAT_FORMAT' : 'ERR_MAT_CORRUPT', what, { offset: pos });
    }
    if (first) file.endian = mopt.littleEndian ? 'LE' : 'BE';
    const src = ByteSource.ofFile(bytes, mopt.littleEndian);
    src.need(pos, 20, 'Level 4 matrix header');
    const mrows = src.i32(pos + 4);
    const ncols = src.i32(pos + 8);
    const imagf = src.i32(pos + 12);
    const namlen = src.i32(pos + 16);
    if (mrows < 0 || ncols < 0 || (imagf !== 0 && imagf !== 1) || namlen < 1) {
      throw new MatFileError(
        first ? 'ERR_MAT_FORMAT' : 'ERR_MAT_CORRUPT',
        `invalid Level 4 matrix header: mrows ${mrows}, ncols ${ncols}, imagf ${imagf}, namlen ${namlen}`,
        { offset: pos },
      );
    }
    src.need(pos + 20, namlen, 'Level 4 matrix name');
    const rawName = src.ascii(pos + 20, namlen);
    const name = rawName.includes('\0') ? rawName.slice(0, rawName.indexOf('\0')) : rawName;
    const dataPos = pos + 20 + namlen;
    const p = precision[mopt.P];
    const parts = imagf ? 2 : 1;
    const count = elementCount([mrows, ncols], Math.floor((bytes.length - dataPos) / p.size / parts));
    if (count === Infinity) {
      throw new MatFileError(
        'ERR_MAT_TRUNCATED',
        `${mrows}x${ncols} ${p.name} matrix needs ${mrows * ncols * p.size * parts} bytes, ` +
          `the file has ${bytes.length - dataPos} left`,
        { variable: name, offset: pos },
      );
    }
    const nbytes = count * p.size * parts;
    src.need(dataPos, nbytes, 'matrix data', undefined, name);
    budget.take(RECORD_BYTES + name.length, 'a variable', pos, name);
    const dims = [mrows, ncols];
    if (imagf) {
      file.skipped.push({ name, class: 'double', reason: 'complex values are not supported' });
    } else if (mopt.T === 2) {
      file.skipped.push({ name, class: 'sparse', reason: 'sparse arrays are not supported; save full(A) instead' });
    } else {
      if (mopt.T === 1) reserveCharArray(budget, count, dims, p.storage, pos, name);
      else budget.take(count * 16, 'Level 4 matrix', pos, name);
      const data = decodeNumeric(src, dataPos, p.storage, count, bytes.length);
      const variable: MatVariable =
        mopt.T === 1
          ? { name, class: 'char', dims, data, text: charArrayText(data, dims) }
          : { name, class: 'double', dims, data, matrix: rowMajorMatrix(mrows, ncols, data) };
      file.variables.set(name, variable);
    }
    pos = dataPos + nbytes;
  }
  return file;
}

/** The MOPT type code at `pos`, read in whichever byte order gives a valid code with a matching M digit. */
function readMopt(bytes: Uint8Array, pos: number): Mopt | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset + pos, 4);
  for (const littleEndian of [true, false]) {
    const code = view.getUint32(0, littleEndian);
    if (code >= 5000) continue;
    const M = Math.floor(code / 1000);
    const O = Math.floor(code / 100) % 10;
    const P = Math.floor(code / 10) % 10;
    const T = code % 10;
    if (M !== (littleEndian ? 0 : 1) || O !== 0 || P > 5 || T > 2) continue;
    return { littleEndian, P, T };
  }
  return undefined;
}
