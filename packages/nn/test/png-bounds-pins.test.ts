// The PNG decoder's and encoder's checks, each bound on both sides and each message in full (issue 21: found by
// mutation testing). image-png.test.ts checks decoded values against byte-written files; png-pixel-cap checks
// that a huge header is refused fast. Here: the size bounds, the one-IHDR rule, the pixel stream's exact length
// (plain and Adam7-interlaced, sub-byte depths), chunks after IEND, and the encoder's arguments and colour types.
import { crc32, deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodePng, encodePng, grayToPng, ImageError } from '../src/image/index.js';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function ihdr(width: number, height: number, depth = 8, colorType = 0, interlace = 0): Buffer {
  const h = Buffer.alloc(13);
  h.writeUInt32BE(width, 0);
  h.writeUInt32BE(height, 4);
  h[8] = depth;
  h[9] = colorType;
  h[12] = interlace;
  return chunk('IHDR', h);
}
/** A PNG whose pixel stream is `raw` bytes of zeros (filter bytes included), plus `extra` chunks before IEND. */
function png(width: number, height: number, raw: number, o: { depth?: number; colorType?: number; interlace?: number; extra?: Buffer[]; after?: Buffer[] } = {}): Buffer {
  return Buffer.concat([
    SIGNATURE,
    ihdr(width, height, o.depth, o.colorType, o.interlace),
    ...(o.extra ?? []),
    chunk('IDAT', deflateSync(Buffer.alloc(raw))),
    chunk('IEND', new Uint8Array(0)),
    ...(o.after ?? []),
  ]);
}

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ImageError);
    expect((e as ImageError).code).toBe('ERR_IMAGE');
    return (e as Error).message;
  }
  throw new Error('expected an ImageError');
}

describe('decodePng: what is a PNG', () => {
  it('bytes only', () => {
    expect(refusal(() => decodePng('png' as unknown as Uint8Array))).toBe('decodePng: expected PNG bytes (Uint8Array), got string');
  });

  it('the signature, every byte of it, and at least a signature and an IHDR (33 bytes)', () => {
    const good = png(1, 1, 2);
    for (const i of [0, 7]) {
      const bad = Buffer.from(good);
      bad[i] ^= 1;
      expect(refusal(() => decodePng(bad))).toBe(`not a PNG file (${bad.length} bytes, no PNG signature)`);
    }
    expect(refusal(() => decodePng(good.subarray(0, 32)))).toBe('not a PNG file (32 bytes, no PNG signature)');
    // 33 bytes: past the signature check, refused for its missing pixel data
    expect(refusal(() => decodePng(good.subarray(0, 33)))).toBe(
      'cannot decode PNG: the pixel data does not inflate to the 2 bytes its header implies',
    );
  });
});

describe('decodePng: size bounds from the header', () => {
  const sizeMessage = (w: number, h: number): string => `PNG is ${w}x${h}: expected 1..1048576 pixels, at most 8192 a side`;

  it('zero width or height', () => {
    expect(refusal(() => decodePng(png(0, 1, 1)))).toBe(sizeMessage(0, 1));
    expect(refusal(() => decodePng(png(1, 0, 1)))).toBe(sizeMessage(1, 0));
  });

  it('8192 a side is read, 8193 is refused', () => {
    expect(decodePng(png(8192, 1, 8193)).width).toBe(8192);
    expect(decodePng(png(1, 8192, 2 * 8192)).height).toBe(8192);
    expect(refusal(() => decodePng(png(8193, 1, 8194)))).toBe(sizeMessage(8193, 1));
    expect(refusal(() => decodePng(png(1, 8193, 2 * 8193)))).toBe(sizeMessage(1, 8193));
  });

  it('1024x1024 pixels are read, one row more is refused', () => {
    expect(decodePng(png(1024, 1024, 1025 * 1024)).gray.length).toBe(1024 * 1024);
    expect(refusal(() => decodePng(png(1024, 1025, 1025 * 1025)))).toBe(sizeMessage(1024, 1025));
  });
});

describe('decodePng: the pixel stream', () => {
  it('a second IHDR is refused', () => {
    expect(refusal(() => decodePng(png(1, 1, 2, { extra: [ihdr(1000, 1000)] })))).toBe('not a valid PNG: more than one IHDR chunk');
  });

  it('chunks after IEND are not counted (pngjs then refuses the trailing content itself)', () => {
    for (const after of [ihdr(1000, 1000), chunk('IDAT', deflateSync(Buffer.alloc(9)))]) {
      const message = refusal(() => decodePng(png(2, 1, 3, { after: [after] })));
      expect(message).toMatch(/^cannot decode PNG: /);
      expect(message).not.toMatch(/IHDR|pixel data/);
    }
  });

  it('exactly the bytes the header implies: one fewer or one more is refused', () => {
    // 3x2 RGB 8-bit: 2 rows of 1 + 9 bytes
    expect(decodePng(png(3, 2, 20, { colorType: 2 })).gray.length).toBe(6);
    expect(refusal(() => decodePng(png(3, 2, 19, { colorType: 2 })))).toBe(
      'cannot decode PNG: the pixel data ends after 19 of the 20 bytes its header implies',
    );
    expect(refusal(() => decodePng(png(3, 2, 21, { colorType: 2 })))).toBe(
      'cannot decode PNG: the pixel data does not inflate to the 20 bytes its header implies',
    );
  });

  it('sizes per colour type and depth (gray+alpha 16-bit, RGBA, palette 1-bit rounds up to a byte)', () => {
    expect(refusal(() => decodePng(png(2, 1, 1, { colorType: 4, depth: 16 })))).toMatch(/of the 9 bytes/);
    expect(refusal(() => decodePng(png(2, 1, 1, { colorType: 6 })))).toMatch(/of the 9 bytes/);
    expect(refusal(() => decodePng(png(3, 1, 1, { depth: 1 })))).toMatch(/of the 2 bytes/);
    expect(refusal(() => decodePng(png(9, 1, 1, { depth: 1 })))).toMatch(/of the 3 bytes/);
  });

  it('Adam7: the seven passes of a 3x3 picture hold 15 bytes (passes 2 and 3 are empty)', () => {
    expect(Array.from(decodePng(png(3, 3, 15, { interlace: 1 })).gray)).toEqual(new Array(9).fill(0));
    expect(refusal(() => decodePng(png(3, 3, 16, { interlace: 1 })))).toBe(
      'cannot decode PNG: the pixel data does not inflate to the 15 bytes its header implies',
    );
    // 9x9: every pass is used (rows x (1 + width)): 2·3 + 2·2 + 1·4 + 3·3 + 2·6 + 5·5 + 4·10
    expect(decodePng(png(9, 9, 100, { interlace: 1 })).gray.length).toBe(81);
    expect(refusal(() => decodePng(png(9, 9, 99, { interlace: 1 })))).toMatch(/ends after 99 of the 100 bytes/);
  });

  it('several IDAT chunks are one stream', () => {
    const z = deflateSync(Buffer.alloc(6));
    const parts = [chunk('IDAT', z.subarray(0, 3)), chunk('IDAT', z.subarray(3))];
    const bytes = Buffer.concat([SIGNATURE, ihdr(5, 1), ...parts, chunk('IEND', new Uint8Array(0))]);
    expect(decodePng(bytes).gray.length).toBe(5);
  });

  it('what pngjs refuses is a "cannot decode PNG" error', () => {
    expect(refusal(() => decodePng(png(1, 1, 2, { colorType: 5 })))).toMatch(/^cannot decode PNG: \S/);
  });
});

describe('encodePng', () => {
  it('width and height: positive integers, at most 16,000,000 pixels', () => {
    for (const [w, h] of [[0, 1], [1, 0], [1.5, 2], [2, -1]]) {
      expect(refusal(() => encodePng(w, h, new Uint8Array(4)))).toBe(`encodePng: width and height must be positive integers, got ${w}x${h}`);
    }
    expect(refusal(() => encodePng(4001, 4000, new Uint8Array(1)))).toBe('encodePng: 4001x4000 is more than 16000000 pixels');
    // exactly 16,000,000 passes the size check (and fails on the values given)
    expect(refusal(() => encodePng(4000, 4000, new Uint8Array(1)))).toMatch(/^encodePng: channels must be 1, 3 or 4/);
  });

  it('channels: inferred from the values per pixel, or given and checked against the length', () => {
    expect(refusal(() => encodePng(2, 2, new Uint8Array(8)))).toBe('encodePng: channels must be 1, 3 or 4, got 2 (8 values for 2x2 pixels)');
    expect(refusal(() => encodePng(2, 2, new Uint8Array(4), { channels: 3 }))).toBe(
      'encodePng: 2x2 with 3 channel(s) needs 12 values, got 4',
    );
    expect(refusal(() => encodePng(2, 2, new Uint8Array(4), { channels: 2 as 3 }))).toMatch(/^encodePng: channels must be 1, 3 or 4, got 2/);
  });

  it('gray, RGB and RGBA give PNG colour types 0, 2 and 6 with the values in place', () => {
    const gray = PNG.sync.read(encodePng(2, 1, Uint8Array.of(10, 200)));
    expect(gray.colorType).toBe(0);
    expect(Array.from(gray.data)).toEqual([10, 10, 10, 255, 200, 200, 200, 255]);
    const rgb = PNG.sync.read(encodePng(2, 1, Uint8Array.of(1, 2, 3, 4, 5, 6)));
    expect(rgb.colorType).toBe(2);
    expect(Array.from(rgb.data)).toEqual([1, 2, 3, 255, 4, 5, 6, 255]);
    const rgba = PNG.sync.read(encodePng(2, 1, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)));
    expect(rgba.colorType).toBe(6);
    expect(Array.from(rgba.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('floats are clamped to [0, 1] and rounded; bytes pass as they are', () => {
    const f = PNG.sync.read(encodePng(7, 1, Float64Array.of(NaN, -0.1, 0, 0.5, 0.999, 1, 1.2)));
    expect(Array.from(f.data.filter((_, i) => i % 4 === 0))).toEqual([0, 0, 0, 128, 255, 255, 255]);
    const f32 = PNG.sync.read(encodePng(1, 1, Float32Array.of(0.2, 0.4, 0.6, 0.8)));
    expect(Array.from(f32.data)).toEqual([51, 102, 153, 204]);
    const c = PNG.sync.read(encodePng(1, 1, Uint8ClampedArray.of(1)));
    expect(Array.from(c.data)).toEqual([1, 1, 1, 255]);
  });
});

describe('grayToPng', () => {
  it('bad sizes get encodePng\'s errors; a good picture reads back', () => {
    expect(refusal(() => grayToPng({ width: 0, height: 1, gray: new Float64Array(0) }))).toBe(
      'encodePng: width and height must be positive integers, got 0x1',
    );
    expect(refusal(() => grayToPng({ width: 4001, height: 4000, gray: new Float64Array(1) }))).toBe(
      'encodePng: 4001x4000 is more than 16000000 pixels',
    );
    expect(refusal(() => grayToPng({ width: 2, height: 2, gray: new Float64Array(3) }))).toBe(
      'encodePng: 2x2 with 1 channel(s) needs 4 values, got 3',
    );
    const back = decodePng(grayToPng({ width: 2, height: 1, gray: Float64Array.of(0, 1) }));
    expect(Array.from(back.gray)).toEqual([0, 1]);
  });
});
