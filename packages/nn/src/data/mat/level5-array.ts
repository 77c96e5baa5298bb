import type { ByteSource } from './bytes.js';
import { charArrayBytes, charArrayText, decodeCharCodes, reserveCharArray } from './chars.js';
import { MatFileError } from './errors.js';
import { exactProduct } from '../errors.js';
import { expectType, readTag } from './level5-element.js';
import { type Budget, decodeNumeric, elementCount, RECORD_BYTES, rowMajorMatrix, storageSize } from './numeric.js';
import { type MatVariable, mi, mx, numericClassOf, otherClassName, type SkippedVariable } from './types.js';

/** Cells and structs nested deeper than this are refused (ERR_MAT_TOO_DEEP) rather than followed. */
export const MAX_NESTING = 64;

/** What one miMATRIX element holds: a decoded variable, or a variable this reader records as skipped. */
export type ParsedArray = { kind: 'variable'; variable: MatVariable } | { kind: 'skipped'; skipped: SkippedVariable };

interface ArrayHeader {
  classId: number;
  complex: boolean;
  logical: boolean;
  dims: number[];
  name: string;
  /** First byte after the name sub-element. */
  pos: number;
}

const skipReason: Record<number, string> = {
  [mx.CELL]: 'cell arrays are not supported; save numeric matrices as separate variables',
  [mx.STRUCT]: 'structs are not supported; save their fields as separate variables',
  [mx.OBJECT]: 'MATLAB objects are not supported',
  [mx.SPARSE]: 'sparse arrays are not supported; save full(A) instead',
  [mx.FUNCTION]: 'function handles are not supported',
  [mx.OPAQUE]: 'opaque MATLAB objects are not supported',
};

/**
 * Parse the content [pos, end) of a top-level miMATRIX element. Numeric, logical and char arrays are decoded;
 * everything else is checked for structural soundness (so corrupt or hostile nesting is still an error) and
 * reported as skipped.
 */
export function parseArray(src: ByteSource, pos: number, end: number, budget: Budget): ParsedArray {
  const h = readArrayHeader(src, pos, end);
  const variable = h.name;
  budget.take(RECORD_BYTES + h.name.length + 8 * h.dims.length, 'a variable', src.fileOffset(pos), variable);
  const numericClass = numericClassOf[h.classId];
  if (numericClass === undefined && h.classId !== mx.CHAR) {
    validateContents(src, h, end, 1, variable);
    const cls = otherClassName[h.classId] ?? `unknown class ${h.classId}`;
    const reason = skipReason[h.classId] ?? `array class ${h.classId} is not a MATLAB class this reader knows`;
    return { kind: 'skipped', skipped: { name: variable, class: cls, reason } };
  }
  const className = h.classId === mx.CHAR ? 'char' : h.logical ? 'logical' : (numericClass as string);
  if (h.complex) {
    return {
      kind: 'skipped',
      skipped: { name: variable, class: className, reason: 'complex values are not supported' },
    };
  }
  const real = readTag(src, h.pos, end, 'real part', variable);
  const count = elementCount(h.dims, real.nbytes);
  if (count === Infinity) {
    throw new MatFileError(
      'ERR_MAT_CORRUPT',
      `dims ${describeDims(h.dims)} claim ${exactProduct(h.dims)} elements ` +
        `but the data is ${real.nbytes} bytes`,
      { variable, offset: src.fileOffset(real.pos) },
    );
  }
  const twoD = h.dims.length === 2;
  if (h.classId === mx.CHAR) {
    reserveCharArray(budget, count, h.dims, real.type, src.fileOffset(real.pos), variable);
    const data = decodeCharCodes(src, real.dataPos, real.type, real.nbytes, count, end, variable);
    return {
      kind: 'variable',
      variable: { name: variable, class: 'char', dims: h.dims, data, text: charArrayText(data, h.dims) },
    };
  }
  const size = storageSize[real.type];
  if (size === undefined || size * count !== real.nbytes) {
    const holds = size === undefined ? `storage type ${real.type}` : `${real.nbytes / size} values`;
    throw new MatFileError(
      'ERR_MAT_CORRUPT',
      `dims ${describeDims(h.dims)} need ${count} values but the real part holds ${real.nbytes} bytes (${holds})`,
      { variable, offset: src.fileOffset(real.pos) },
    );
  }
  budget.take(count * 8 * (twoD ? 2 : 1), `${className} array`, src.fileOffset(real.pos), variable);
  const data = decodeNumeric(src, real.dataPos, real.type, count, end);
  const out: MatVariable = { name: variable, class: className as MatVariable['class'], dims: h.dims, data };
  if (twoD) out.matrix = rowMajorMatrix(h.dims[0], h.dims[1], data);
  return { kind: 'variable', variable: out };
}

/**
 * What parsing the miMATRIX content [pos, end) will reserve, from its header and its real part's tag alone: `src`
 * may be the first part of an inflated element, without the data. Undefined when the header is not all there or
 * its sizes disagree (parseArray then says why).
 */
export function declaredCost(src: ByteSource, pos: number, end: number): number | undefined {
  let h: ArrayHeader;
  try {
    h = readArrayHeader(src, pos, end);
  } catch {
    return undefined;
  }
  const record = RECORD_BYTES + h.name.length + 8 * h.dims.length;
  if ((numericClassOf[h.classId] === undefined && h.classId !== mx.CHAR) || h.complex) return record;
  if (h.pos + 8 > Math.min(end, src.length)) return undefined;
  const first = src.u32(h.pos);
  const smallSize = first >>> 16;
  const type = smallSize !== 0 ? first & 0xffff : first;
  const nbytes = smallSize !== 0 ? smallSize : src.u32(h.pos + 4);
  const count = elementCount(h.dims, nbytes);
  if (count === Infinity) return undefined;
  if (h.classId === mx.CHAR) return record + charArrayBytes(count, h.dims, type);
  const size = storageSize[type];
  if (size === undefined || size * count !== nbytes) return undefined;
  return record + count * 8 * (h.dims.length === 2 ? 2 : 1);
}

/** Dims for a message: `2x3`, or the number of dimensions when there are too many to list on one line. */
function describeDims(dims: readonly number[]): string {
  return dims.length <= 8 ? dims.join('x') : `${dims.length}-dimensional`;
}

/** Array flags, dimensions and name: the sub-elements every miMATRIX starts with. */
function readArrayHeader(src: ByteSource, pos: number, end: number, variable?: string): ArrayHeader {
  const flags = readTag(src, pos, end, 'array flags', variable);
  if (flags.type !== mi.UINT32 || flags.nbytes !== 8) {
    throw new MatFileError(
      'ERR_MAT_CORRUPT',
      `array flags must be 8 bytes of miUINT32, got ${flags.nbytes} bytes of type ${flags.type}`,
      { variable, offset: src.fileOffset(flags.pos) },
    );
  }
  const word = src.u32(flags.dataPos);
  const dimsTag = readTag(src, flags.next, end, 'dimensions', variable);
  expectType(src, dimsTag, [mi.INT32], 'dimensions', variable);
  if (dimsTag.nbytes % 4 !== 0 || dimsTag.nbytes < 8) {
    throw new MatFileError('ERR_MAT_CORRUPT', `dimensions need at least 2 int32 values, got ${dimsTag.nbytes} bytes`, {
      variable,
      offset: src.fileOffset(dimsTag.pos),
    });
  }
  const dims: number[] = [];
  for (let p = dimsTag.dataPos; p < dimsTag.dataPos + dimsTag.nbytes; p += 4) {
    const d = src.i32(p);
    if (d < 0) {
      throw new MatFileError('ERR_MAT_CORRUPT', `dimension ${dims.length + 1} is negative (${d})`, {
        variable,
        offset: src.fileOffset(dimsTag.pos),
      });
    }
    dims.push(d);
  }
  const nameTag = readTag(src, dimsTag.next, end, 'array name', variable);
  expectType(src, nameTag, [mi.INT8, mi.UINT8], 'array name', variable);
  const name = src.ascii(nameTag.dataPos, nameTag.nbytes);
  return {
    classId: word & 0xff,
    complex: (word & 0x0800) !== 0,
    logical: (word & 0x0200) !== 0,
    dims,
    name,
    pos: nameTag.next,
  };
}

/**
 * Walk a skipped array's nested elements (cell contents, struct and object fields) to make sure they are well
 * formed, following at most MAX_NESTING levels. Nothing is decoded or allocated.
 */
function validateContents(src: ByteSource, h: ArrayHeader, end: number, depth: number, variable: string): void {
  if (depth > MAX_NESTING) {
    throw new MatFileError('ERR_MAT_TOO_DEEP', `cells/structs are nested more than ${MAX_NESTING} levels deep`, {
      variable,
      offset: src.fileOffset(h.pos),
    });
  }
  if (h.classId === mx.CELL) {
    validateElements(src, h.pos, end, h.dims, 1, depth, variable, 'cell');
  } else if (h.classId === mx.STRUCT) {
    validateFields(src, h.pos, end, h.dims, depth, variable);
  } else if (h.classId === mx.OBJECT) {
    const className = readTag(src, h.pos, end, 'object class name', variable);
    expectType(src, className, [mi.INT8, mi.UINT8], 'object class name', variable);
    validateFields(src, className.next, end, h.dims, depth, variable);
  }
}

function validateFields(src: ByteSource, pos: number, end: number, dims: number[], depth: number, variable: string) {
  const lenTag = readTag(src, pos, end, 'struct field name length', variable);
  expectType(src, lenTag, [mi.INT32], 'struct field name length', variable);
  if (lenTag.nbytes !== 4) {
    throw new MatFileError('ERR_MAT_CORRUPT', `struct field name length must be 4 bytes, got ${lenTag.nbytes}`, {
      variable,
      offset: src.fileOffset(lenTag.pos),
    });
  }
  const nameLength = src.i32(lenTag.dataPos);
  const namesTag = readTag(src, lenTag.next, end, 'struct field names', variable);
  expectType(src, namesTag, [mi.INT8, mi.UINT8], 'struct field names', variable);
  if (nameLength <= 0 ? namesTag.nbytes !== 0 : namesTag.nbytes % nameLength !== 0) {
    throw new MatFileError(
      'ERR_MAT_CORRUPT',
      `struct field names (${namesTag.nbytes} bytes) are not a multiple of the name length ${nameLength}`,
      { variable, offset: src.fileOffset(namesTag.pos) },
    );
  }
  const fields = nameLength <= 0 ? 0 : namesTag.nbytes / nameLength;
  validateElements(src, namesTag.next, end, dims, fields, depth, variable, 'struct field');
}

/** `count(dims) × perElement` nested miMATRIX elements starting at `pos`. */
function validateElements(
  src: ByteSource,
  pos: number,
  end: number,
  dims: number[],
  perElement: number,
  depth: number,
  variable: string,
  what: string,
): void {
  const room = Math.floor((end - pos) / 8); // every nested element needs at least its 8-byte tag
  const n = elementCount(dims, room) * perElement;
  if (n > room) {
    throw new MatFileError('ERR_MAT_CORRUPT', `${what}s claim more elements than ${end - pos} bytes can hold`, {
      variable,
      offset: src.fileOffset(pos),
    });
  }
  for (let i = 0; i < n; i++) {
    const tag = readTag(src, pos, end, what, variable);
    expectType(src, tag, [mi.MATRIX], what, variable);
    if (tag.nbytes > 0) {
      const innerEnd = tag.dataPos + tag.nbytes;
      const h = readArrayHeader(src, tag.dataPos, innerEnd, variable);
      validateContents(src, h, innerEnd, depth + 1, variable);
    }
    pos = tag.next;
  }
}
