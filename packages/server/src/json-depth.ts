/**
 * Counts how deeply the JSON text fed to it nests arrays and objects, byte by byte as it arrives, and reports the
 * first byte that goes deeper than `maxDepth`. Brackets inside strings do not count. It does not validate the
 * JSON (JSON.parse does that afterwards); it only makes sure that a body nested millions deep is refused at its
 * first excess bracket instead of being parsed. One pass, constant memory. UTF-8 is safe to scan bytewise: the
 * bytes of a multi-byte character are all ≥ 0x80, never a quote, backslash or bracket.
 */
export class JsonDepthScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private offset = 0;

  constructor(readonly maxDepth: number) {}

  /** Feeds the next bytes; returns the body offset of the first bracket deeper than maxDepth, or -1. */
  write(chunk: Uint8Array): number {
    let { depth, inString, escaped } = this;
    const max = this.maxDepth;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (b === 0x5c) escaped = true; // backslash
        else if (b === 0x22) inString = false; // closing quote
      } else if (b === 0x22) {
        inString = true;
      } else if (b === 0x5b || b === 0x7b) {
        // [ or {
        if (++depth > max) return this.offset + i;
      } else if (b === 0x5d || b === 0x7d) {
        depth--; // ] or }
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    this.offset += chunk.length;
    return -1;
  }
}
