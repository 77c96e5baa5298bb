import { MatFileError, type MatErrorCode } from './errors.js';

/**
 * Bounds-checked reads over MAT-file bytes. Every access is checked before it touches the DataView, so a size
 * field pointing past the end becomes a `MatFileError`, never a `RangeError`.
 *
 * A source is either the file itself (running out of bytes means the file is truncated) or the inflated content
 * of one compressed element (running out means that element is corrupt; errors report the compressed element's
 * file offset, because positions inside inflated data mean nothing to the user).
 */
export class ByteSource {
  readonly view: DataView;

  private constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
    private readonly shortCode: MatErrorCode,
    private readonly compressedAt: number | undefined,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  static ofFile(bytes: Uint8Array, littleEndian: boolean): ByteSource {
    return new ByteSource(bytes, littleEndian, 'ERR_MAT_TRUNCATED', undefined);
  }

  /** The inflated content of the compressed element found at file offset `at`. */
  static ofInflated(bytes: Uint8Array, littleEndian: boolean, at: number): ByteSource {
    return new ByteSource(bytes, littleEndian, 'ERR_MAT_CORRUPT', at);
  }

  get length(): number {
    return this.bytes.length;
  }

  /** File offset to report for position `pos` of this source. */
  fileOffset(pos: number): number {
    return this.compressedAt ?? pos;
  }

  /**
   * Throw unless `n` bytes starting at `pos` are available. With `end`, they must lie before the end of the
   * enclosing element (running past it is corruption); without, before the end of this source (running past the
   * end of the file is truncation). `at` is the position to report (default `pos`).
   */
  need(pos: number, n: number, what: string, end?: number, variable?: string, at = pos): void {
    const limit = end === undefined ? this.length : Math.min(end, this.length);
    if (Number.isSafeInteger(pos) && Number.isSafeInteger(n) && pos >= 0 && n >= 0 && pos + n <= limit) return;
    const remain = Math.max(0, limit - pos);
    const inFile = end === undefined && this.compressedAt === undefined;
    const container = end !== undefined ? 'its enclosing element' : inFile ? 'the file' : 'the inflated element';
    throw new MatFileError(
      end === undefined ? this.shortCode : 'ERR_MAT_CORRUPT',
      `${what} needs ${n} bytes but ${container} has ${remain} left`,
      { variable, offset: this.fileOffset(at) },
    );
  }

  u8(pos: number): number {
    this.need(pos, 1, 'byte');
    return this.bytes[pos];
  }

  u16(pos: number): number {
    this.need(pos, 2, '16-bit field');
    return this.view.getUint16(pos, this.littleEndian);
  }

  u32(pos: number): number {
    this.need(pos, 4, '32-bit field');
    return this.view.getUint32(pos, this.littleEndian);
  }

  i32(pos: number): number {
    this.need(pos, 4, '32-bit field');
    return this.view.getInt32(pos, this.littleEndian);
  }

  /** Latin-1 text of `n` bytes (names and headers are ASCII), decoded in one pass whatever its length. */
  ascii(pos: number, n: number): string {
    this.need(pos, n, 'text');
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + pos, n).toString('latin1');
  }
}
