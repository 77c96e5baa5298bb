// The protobuf writer under the ONNX export, byte for byte against cases worked out by hand from the wire-format
// specification (protobuf.dev/programming-guides/encoding: its own examples 150 → 96 01, "testing" in field 2,
// and the embedded message in field 3), and its refusals. onnx-decode.test.ts reads whole exported files back with
// an independent decoder (the onnx package's protobuf), and onnx-runtime.test.ts runs them.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import { Message, varint } from '../src/model/onnx/protobuf.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('varint', () => {
  it('7 bits a byte, least significant group first, the high bit set on every byte but the last', () => {
    expect(hex(varint(0))).toBe('00');
    expect(hex(varint(1))).toBe('01');
    expect(hex(varint(127))).toBe('7f');
    expect(hex(varint(128))).toBe('8001');
    expect(hex(varint(150))).toBe('9601'); // the specification's example
    expect(hex(varint(300))).toBe('ac02'); // 300 = 0b10_0101100: 0x2c|0x80, then 0b10
    expect(hex(varint(2 ** 31))).toBe('8080808008'); // past the 32-bit shifts' reach
    expect(hex(varint(2 ** 32))).toBe('8080808010');
    expect(hex(varint(Number.MAX_SAFE_INTEGER))).toBe('ffffffffffffff0f'); // 53 ones: 7 full groups, then 4 bits
  });

  it('refuses what it cannot encode: negative, fractional, unsafe and non-numbers', () => {
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
      expect(() => varint(bad)).toThrow(InvalidArgumentError);
    }
    expect(() => varint(-1)).toThrow(/expected a non-negative safe integer, got -1/);
  });
});

describe('Message', () => {
  it('a varint field: tag (field << 3 | 0), then the value', () => {
    expect(hex(new Message().uint(1, 150).bytes())).toBe('089601');
    expect(hex(new Message().uint(20, 2).bytes())).toBe('a00102'); // tag 160 needs two bytes
  });

  it('a length-delimited field: tag (field << 3 | 2), the length as a varint, the UTF-8 bytes', () => {
    expect(hex(new Message().string(2, 'testing').bytes())).toBe('120774657374696e67');
    expect(hex(new Message().string(1, 'é').bytes())).toBe('0a02c3a9'); // the length counts bytes, not characters
    expect(hex(new Message().string(1, '').bytes())).toBe('0a00');
    const long = new Uint8Array(300).fill(7);
    const bytes = new Message().raw(9, long).bytes();
    expect(hex(bytes.subarray(0, 3))).toBe('4aac02');
    expect(bytes.length).toBe(3 + 300);
  });

  it('an embedded message is a length-delimited field holding its bytes; fields stay in the order written', () => {
    expect(hex(new Message().message(3, new Message().uint(1, 150)).bytes())).toBe('1a03089601');
    expect(hex(new Message().uint(1, 1).string(2, 'a').uint(1, 2).bytes())).toBe('0801120161' + '0802');
  });

  it('a float field: tag (field << 3 | 5), then the single-precision bits little-endian', () => {
    expect(hex(new Message().float(2, 1.5).bytes())).toBe('150000c03f'); // 1.5f = 0x3fc00000
    expect(hex(new Message().float(2, 0.01).bytes())).toBe('150ad7233c'); // 0.01 rounds to 0x3c23d70a
  });

  it('refuses field numbers outside 1..2^29-1', () => {
    for (const f of [0, -1, 2 ** 29, 1.5]) expect(() => new Message().uint(f, 1)).toThrow(InvalidArgumentError);
    expect(hex(new Message().uint(2 ** 29 - 1, 0).bytes())).toBe('f8ffffff0f00');
  });
});
