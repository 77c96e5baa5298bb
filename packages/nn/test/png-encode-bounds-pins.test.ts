// More of the PNG encoder's and decoder's checks (issue 21, the survivors /work/notes/eq-E1.md marks as gaps):
// grayToPng refuses exactly what encodePng refuses — a fractional side whose product matches the values, a zero
// height, more than 16,000,000 pixels with every value given, a wrong number of values that equals width / height —
// rather than handing it to the fast gray encoder, which has none of these checks. decodePng keeps pngjs's and
// zlib's errors as the refusal's `cause`, reports pngjs's own message for a colour type it does not know, and
// counts a bare IHDR chunk header at the end of a file as a second IHDR.
import { crc32, deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodePng, grayToPng, ImageError } from '../src/image/index.js';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function ihdr(width: number, height: number, colorType = 0): Buffer {
  const h = Buffer.alloc(13);
  h.writeUInt32BE(width, 0);
  h.writeUInt32BE(height, 4);
  h[8] = 8;
  h[9] = colorType;
  return chunk('IHDR', h);
}
/** An 8-bit PNG whose pixel stream is `raw` zero bytes (filter bytes included). */
function png(width: number, height: number, raw: number, colorType = 0): Buffer {
  return Buffer.concat([SIGNATURE, ihdr(width, height, colorType), chunk('IDAT', deflateSync(Buffer.alloc(raw))), chunk('IEND', new Uint8Array(0))]);
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}
function refusal(f: () => unknown): ImageError {
  const e = thrown(f);
  expect(e).toBeInstanceOf(ImageError);
  expect((e as ImageError).code).toBe('ERR_IMAGE');
  return e as ImageError;
}

describe('grayToPng refuses what encodePng refuses', () => {
  const sides = (w: number, h: number): string => `encodePng: width and height must be positive integers, got ${w}x${h}`;

  it('a fractional width or height, even when width·height matches the number of values', () => {
    expect(refusal(() => grayToPng({ width: 2.5, height: 2, gray: new Float64Array(5) })).message).toBe(sides(2.5, 2));
    expect(refusal(() => grayToPng({ width: 2, height: 2.5, gray: new Float64Array(5) })).message).toBe(sides(2, 2.5));
  });

  it('a zero height with a positive width (and no values)', () => {
    expect(refusal(() => grayToPng({ width: 3, height: 0, gray: new Float64Array(0) })).message).toBe(sides(3, 0));
  });

  it('more than 16,000,000 pixels, all of them given, is refused before encoding', () => {
    const gray = new Float64Array(4001 * 4000); // 128 MB, refused before a value is read
    expect(refusal(() => grayToPng({ width: 4001, height: 4000, gray })).message).toBe('encodePng: 4001x4000 is more than 16000000 pixels');
  });

  it('too few values, even when their number equals width / height', () => {
    expect(refusal(() => grayToPng({ width: 4, height: 2, gray: new Float64Array(2) })).message).toBe(
      'encodePng: 4x2 with 1 channel(s) needs 8 values, got 2',
    );
  });
});

describe('decodePng: the refusal keeps what caused it', () => {
  it('a colour type pngjs does not know: pngjs\'s own message, and its Error as the cause', () => {
    const bytes = png(1, 1, 2, 5);
    const pngjs = thrown(() => PNG.sync.read(bytes)) as Error;
    expect(pngjs).toBeInstanceOf(Error);
    const e = refusal(() => decodePng(bytes));
    expect(e.message).toBe(`cannot decode PNG: ${pngjs.message}`);
    expect(e.message).not.toMatch(/NaN/);
    expect(e.cause).toBeInstanceOf(Error);
    expect((e.cause as Error).message).toBe(pngjs.message);
  });

  it('a pixel stream that inflates past the header\'s size: zlib\'s ERR_BUFFER_TOO_LARGE as the cause', () => {
    // 3x2 RGB 8-bit: 2 rows of 1 + 9 bytes = 20; the stream holds 21
    const e = refusal(() => decodePng(png(3, 2, 21, 2)));
    expect(e.message).toBe('cannot decode PNG: the pixel data does not inflate to the 20 bytes its header implies');
    expect(e.cause).toBeInstanceOf(RangeError);
    expect((e.cause as NodeJS.ErrnoException).code).toBe('ERR_BUFFER_TOO_LARGE');
  });
});

describe('decodePng: a bare chunk header at the end of the file', () => {
  it('an IHDR header (8 bytes, no data) after the pixel data and no IEND is a second IHDR', () => {
    const bare = Buffer.alloc(8);
    bare.writeUInt32BE(13, 0);
    bare.write('IHDR', 4, 'latin1');
    const bytes = Buffer.concat([SIGNATURE, ihdr(1, 1), chunk('IDAT', deflateSync(Buffer.alloc(2))), bare]);
    expect(refusal(() => decodePng(bytes)).message).toBe('not a valid PNG: more than one IHDR chunk');
  });
});
