import type { ByteSource } from './bytes.js';
import { MatFileError } from './errors.js';

/** A Level 5 data element's tag: its type, the byte count of its data, where the data starts and where the next
 * element starts (data padded to 8 bytes; the small format packs ≤ 4 bytes of data into the tag itself). */
export interface ElementTag {
  /** Position of the tag itself. */
  pos: number;
  type: number;
  nbytes: number;
  dataPos: number;
  next: number;
}

/**
 * Read the element tag at `pos`, checking that the element lies inside [pos, end) — or, for top-level elements
 * (`end` undefined), inside the source.
 */
export function readTag(
  src: ByteSource,
  pos: number,
  end: number | undefined,
  what: string,
  variable?: string,
): ElementTag {
  src.need(pos, 4, `${what} tag`, end, variable);
  const first = src.u32(pos);
  const smallSize = first >>> 16;
  if (smallSize !== 0) {
    if (smallSize > 4) {
      throw new MatFileError('ERR_MAT_CORRUPT', `${what}: small data element claims ${smallSize} bytes (max 4)`, {
        variable,
        offset: src.fileOffset(pos),
      });
    }
    src.need(pos, 8, `${what} small element`, end, variable);
    return { pos, type: first & 0xffff, nbytes: smallSize, dataPos: pos + 4, next: pos + 8 };
  }
  src.need(pos, 8, `${what} tag`, end, variable);
  const nbytes = src.u32(pos + 4);
  const dataPos = pos + 8;
  src.need(dataPos, nbytes, what, end, variable, pos);
  return { pos, type: first, nbytes, dataPos, next: Math.min(dataPos + padTo8(nbytes), end ?? src.length) };
}

export function padTo8(n: number): number {
  return n + ((8 - (n % 8)) % 8);
}

/** Throw ERR_MAT_CORRUPT unless the tag has the expected type(s). */
export function expectType(
  src: ByteSource,
  tag: ElementTag,
  types: readonly number[],
  what: string,
  variable?: string,
): void {
  if (!types.includes(tag.type)) {
    throw new MatFileError(
      'ERR_MAT_CORRUPT',
      `${what}: expected element type ${types.join(' or ')}, got ${tag.type}`,
      { variable, offset: src.fileOffset(tag.pos) },
    );
  }
}
