import { constants as bufferConstants } from 'node:buffer';
import { constants as zlibConstants, inflateSync } from 'node:zlib';
import { ByteSource } from './bytes.js';
import { MatFileError } from './errors.js';
import { declaredCost, parseArray, type ParsedArray } from './level5-array.js';
import { padTo8, readTag } from './level5-element.js';
import { Budget } from './numeric.js';
import { type MatFile, mi } from './types.js';

const HEADER_BYTES = 128;

/**
 * Read a Level 5 MAT-file (MATLAB v5/v6/v7, Octave -v6/-v7, scipy.io.savemat): the 128-byte header, then a
 * sequence of top-level miMATRIX elements, each possibly wrapped in a zlib-compressed miCOMPRESSED element.
 */
export function readLevel5(bytes: Uint8Array, littleEndian: boolean, maxBytes: number): MatFile {
  const src = ByteSource.ofFile(bytes, littleEndian);
  const budget = new Budget(maxBytes);
  const file: MatFile = {
    format: 'level5',
    header: src.ascii(0, 116).replace(/[\s\0]+$/, ''),
    endian: littleEndian ? 'LE' : 'BE',
    variables: new Map(),
    skipped: [],
  };
  const subsysOffset = Number(src.view.getBigUint64(116, littleEndian));
  let pos = HEADER_BYTES;
  while (pos < bytes.length) {
    if (bytes.length - pos < 8 && bytes.subarray(pos).every((b) => b === 0)) break; // trailing zero padding
    const tag = readTag(src, pos, undefined, 'top-level element');
    if (tag.pos === subsysOffset) {
      file.skipped.push({ name: '', class: 'subsystem', reason: 'MATLAB subsystem data (function workspace)' });
    } else if (tag.type === mi.MATRIX) {
      if (tag.nbytes > 0) record(file, parseArray(src, tag.dataPos, tag.dataPos + tag.nbytes, budget));
    } else if (tag.type === mi.COMPRESSED) {
      readCompressed(src, tag.dataPos, tag.nbytes, tag.pos, budget, file);
    } else {
      throw new MatFileError(
        'ERR_MAT_CORRUPT',
        `top-level element has type ${tag.type}; expected miMATRIX (14) or miCOMPRESSED (15)`,
        { offset: tag.pos },
      );
    }
    // Compressed elements are not padded; uncompressed ones end on an 8-byte boundary.
    pos = tag.type === mi.COMPRESSED ? tag.dataPos + tag.nbytes : tag.dataPos + padTo8(tag.nbytes);
  }
  return file;
}

/**
 * A miCOMPRESSED element holds one zlib-compressed miMATRIX (as MATLAB, Octave and scipy write it; scipy also
 * reads only the first). Its tag, inflated from the first bytes of the stream, declares the inflated size: that
 * size is checked against the budget before inflating, and inflating stops there. Every inflated byte is charged.
 */
function readCompressed(src: ByteSource, dataPos: number, nbytes: number, at: number, budget: Budget, file: MatFile) {
  const compressed = src.bytes.subarray(dataPos, dataPos + nbytes);
  const declared = declaredSize(compressed, src.littleEndian, at);
  if (declared !== undefined && declared.size + declared.cost > budget.remaining) {
    throw new MatFileError(
      'ERR_MAT_TOO_LARGE',
      `compressed element of ${declared.size} bytes (inflated) declares arrays of ${declared.cost} bytes more: ` +
        `${declared.size + declared.cost} in all, beyond the ${budget.remaining} left of maxBytes = ${budget.maxBytes}`,
      { offset: at },
    );
  }
  const inflated = inflate(compressed, at, budget, declared?.size);
  budget.take(inflated.length, 'the inflated content of a compressed element', at);
  const inner = ByteSource.ofInflated(inflated, src.littleEndian, at);
  let pos = 0;
  while (pos < inner.length) {
    const tag = readTag(inner, pos, undefined, 'compressed element content');
    if (tag.type !== mi.MATRIX) throw notMatrix(tag.type, at);
    if (tag.nbytes > 0) record(file, parseArray(inner, tag.dataPos, tag.dataPos + tag.nbytes, budget));
    pos = tag.next;
  }
}

/** Compressed bytes inflated to read the inner tag: at most ~1032 times as many come out (deflate's limit). */
const PREFIX_BYTES = 1024;

/**
 * What the miMATRIX at the start of a compressed element declares, read from a prefix of the stream: its inflated
 * size (tag included, padded to 8 bytes) and what decoding it will reserve (0 when the prefix does not show it).
 * Undefined when the prefix is too short to hold a tag (the full inflate then decides). A first element that is not
 * a miMATRIX is refused here, before inflating the rest.
 */
function declaredSize(
  compressed: Uint8Array,
  littleEndian: boolean,
  at: number,
): { size: number; cost: number } | undefined {
  let prefix: Uint8Array;
  try {
    prefix = inflateSync(compressed.subarray(0, PREFIX_BYTES), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch {
    return undefined; // not a zlib stream: inflate() reports it
  }
  if (prefix.length < 8) return undefined;
  const head = ByteSource.ofInflated(prefix, littleEndian, at);
  const word = head.u32(0);
  const small = word >>> 16 !== 0;
  const type = small ? word & 0xffff : word;
  if (type !== mi.MATRIX) throw notMatrix(type, at);
  if (small) return { size: 8, cost: 0 };
  const nbytes = head.u32(4);
  return { size: 8 + padTo8(nbytes), cost: declaredCost(head, 8, 8 + nbytes) ?? 0 };
}

function notMatrix(type: number, at: number): MatFileError {
  return new MatFileError('ERR_MAT_CORRUPT', `compressed element holds type ${type}; expected miMATRIX (14)`, {
    offset: at,
  });
}

/**
 * zlib-inflate one miCOMPRESSED element, never producing more than what is left of the budget, nor more than its
 * tag declares (`declared`, when known).
 */
function inflate(compressed: Uint8Array, at: number, budget: Budget, declared: number | undefined): Uint8Array {
  const limit = Math.min(budget.remaining, declared ?? Infinity, bufferConstants.MAX_LENGTH);
  if (limit < 1) {
    throw new MatFileError('ERR_MAT_TOO_LARGE', `no room left under maxBytes = ${budget.maxBytes} to inflate`, {
      offset: at,
    });
  }
  try {
    return inflateSync(compressed, { maxOutputLength: limit });
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || cause instanceof RangeError) {
      if (declared !== undefined && declared <= budget.remaining) {
        throw new MatFileError(
          'ERR_MAT_CORRUPT',
          `compressed element inflates to more than the ${declared} bytes its miMATRIX tag declares`,
          { offset: at, cause },
        );
      }
      throw new MatFileError(
        'ERR_MAT_TOO_LARGE',
        `compressed element inflates to more than ${limit} bytes (maxBytes = ${budget.maxBytes})`,
        { offset: at, cause },
      );
    }
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new MatFileError('ERR_MAT_CORRUPT', `compressed element is not a valid zlib stream: ${detail}`, {
      offset: at,
      cause,
    });
  }
}

function record(file: MatFile, parsed: ParsedArray): void {
  if (parsed.kind === 'variable') file.variables.set(parsed.variable.name, parsed.variable);
  else file.skipped.push(parsed.skipped);
}
