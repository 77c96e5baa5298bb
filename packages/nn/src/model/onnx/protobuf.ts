import { InvalidArgumentError } from '../../errors.js';

/**
 * The part of the protocol-buffers wire format (protobuf.dev/programming-guides/encoding) an ONNX file needs,
 * writing only: varint fields (wire type 0) for non-negative integers and enums, length-delimited fields
 * (wire type 2) for bytes, strings and nested messages, and 32-bit fields (wire type 5) for floats. Repeated
 * fields are written one tag per element, which every parser reads (packed encoding is an optional saving).
 * Negative integers (ten-byte varints) are never needed here and are refused.
 */

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** The varint bytes of a non-negative safe integer: 7 bits a byte, least significant first, high bit = more. */
export function varint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`protobuf varint: expected a non-negative safe integer, got ${value}`);
  }
  const out: number[] = [];
  let v = value;
  // division, not shifts: shifts would cut values above 2^31
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** A protobuf message being written: fields are appended in the order called; {@link Message.bytes} joins them. */
export class Message {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  /** A varint field: an integer, an enum or a bool. */
  uint(field: number, value: number): this {
    return this.tag(field, VARINT).push(varint(value));
  }

  /** A length-delimited field holding raw bytes. */
  raw(field: number, data: Uint8Array): this {
    return this.tag(field, LENGTH_DELIMITED).push(varint(data.length)).push(data);
  }

  /** A string field, UTF-8 encoded. */
  string(field: number, text: string): this {
    return this.raw(field, new TextEncoder().encode(text));
  }

  /** A nested message. */
  message(field: number, inner: Message): this {
    return this.raw(field, inner.bytes());
  }

  /** A `float` field: the value rounded to single precision, four bytes little-endian. */
  float(field: number, value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return this.tag(field, FIXED32).push(bytes);
  }

  /** The encoded message. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let off = 0;
    for (const p of this.parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }

  private tag(field: number, wireType: number): this {
    if (!Number.isInteger(field) || field < 1 || field > 536_870_911) {
      throw new InvalidArgumentError(`protobuf field number: expected an integer in 1..2^29-1, got ${field}`);
    }
    return this.push(varint(field * 8 + wireType));
  }

  private push(bytes: Uint8Array): this {
    this.parts.push(bytes);
    this.size += bytes.length;
    return this;
  }
}
