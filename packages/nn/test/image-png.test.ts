import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodePng, encodePng, ImageError } from '../src/image/index.js';
import { fixture } from './helpers.js';

interface Expected {
  width: number;
  height: number;
  gray: number[];
  tolerance?: number;
}
const expected = JSON.parse(readFileSync(fixture('image/expected.json'), 'utf8')) as Record<string, Expected>;

describe('PNG decoding against files written byte by byte (scripts/ref/image_png_fixtures.py)', () => {
  for (const [name, want] of Object.entries(expected)) {
    it(`${name}: size and gray values (luminance, alpha over white)`, () => {
      const img = decodePng(readFileSync(fixture(`image/${name}`)));
      expect([img.width, img.height]).toEqual([want.width, want.height]);
      const tol = want.tolerance ?? 1e-12;
      want.gray.forEach((g, i) => expect(Math.abs(img.gray[i] - g)).toBeLessThanOrEqual(tol));
    });
  }
});

describe('PNG encoding', () => {
  it('gray bytes round-trip exactly and give a grayscale PNG', () => {
    const w = 7;
    const h = 5;
    const bytes = Uint8Array.from({ length: w * h }, (_, i) => (i * 37) % 256);
    const png = encodePng(w, h, bytes);
    const meta = PNG.sync.read(png);
    expect(meta.colorType).toBe(0);
    const back = decodePng(png);
    expect([back.width, back.height]).toEqual([w, h]);
    expect(Array.from(back.gray, (g) => Math.round(g * 255))).toEqual(Array.from(bytes));
  });

  it('floats in [0, 1] are rounded to the nearest of 256 levels and clamped', () => {
    const values = Float64Array.from([0, 1, 0.5, -3, 7, NaN, 0.2, 0.998]);
    const back = decodePng(encodePng(4, 2, values));
    expect(Array.from(back.gray, (g) => Math.round(g * 255))).toEqual([0, 255, 128, 0, 255, 0, 51, 254]);
  });

  it('RGBA input: decoding composites onto white with the luminance weights', () => {
    const rgba = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 0, 0, 0, 255, 51]);
    const back = decodePng(encodePng(3, 1, rgba, { channels: 4 }));
    expect(back.gray[0]).toBeCloseTo(0.299, 12);
    expect(back.gray[1]).toBe(1);
    expect(back.gray[2]).toBeCloseTo(0.2 * 0.114 + 0.8, 12);
  });

  it('rejects wrong sizes, channel counts, non-PNG bytes, truncated files and absurd dimensions with ImageError', () => {
    expect(() => encodePng(0, 3, new Uint8Array(0))).toThrow(ImageError);
    expect(() => encodePng(2, 2, new Uint8Array(5))).toThrow(/channels must be 1, 3 or 4/);
    expect(() => encodePng(2, 2, new Uint8Array(8), { channels: 3 })).toThrow(/needs 12 values, got 8/);
    expect(() => decodePng(new TextEncoder().encode('hello, this is not a picture at all!'))).toThrow(/not a PNG/);
    const good = encodePng(4, 4, new Uint8Array(16).fill(9));
    expect(() => decodePng(good.subarray(0, good.length - 20))).toThrow(ImageError);
    const huge = Buffer.from(good);
    huge.writeUInt32BE(100_000, 16);
    huge.writeUInt32BE(100_000, 20);
    expect(() => decodePng(huge)).toThrow(/100000x100000/);
    try {
      decodePng(new Uint8Array(3));
    } catch (err) {
      expect((err as ImageError).code).toBe('ERR_IMAGE');
    }
  });
});
