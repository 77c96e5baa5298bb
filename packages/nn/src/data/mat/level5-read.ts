import { constants as bufferConstants } from 'node:buffer';
import { inflateSync } from 'node:zlib';
import { ByteSource } from './bytes.js';
import { MatFileError } from './errors.js';
import { parseArray, type ParsedArray } from './level5-array.js';
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

function readCompressed(src: ByteSource, dataPos: number, nbytes: number, at: number, budget: Budget, file: MatFile) {
  const inflated = inflate(src.bytes.subarray(dataPos, dataPos + nbytes), at, budget);
  const inner = ByteSource.ofInflated(inflated, src.littleEndian, at);
  let pos = 0;
  while (pos < inner.length) {
    const tag = readTag(inner, pos, undefined, 'compressed element content');
    if (tag.type !== mi.MATRIX) {
      throw new MatFileError('ERR_MAT_CORRUPT', `compressed element holds type ${tag.type}; expected miMATRIX (14)`, {
        offset: at,
      });
    }
    if (tag.nbytes > 0) record(file, parseArray(inner, tag.dataPos, tag.dataPos + tag.nbytes, budget));
    pos = tag.next;
  }
}

/** zlib-inflate one miCOMPRESSED element, never producing more than what is left of the budget. */
function inflate(compressed: Uint8Array, at: number, budget: Budget): Uint8Array {
  const limit = budget.remaining;
  if (limit < 1) {
    throw new MatFileError('ERR_MAT_TOO_LARGE', `no room left under maxBytes = ${budget.maxBytes} to inflate`, {
      offset: at,
    });
  }
  try {
    return inflateSync(compressed, { maxOutputLength: Math.min(limit, bufferConstants.MAX_LENGTH) });
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || cause instanceof RangeError) {
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
