// The decoder's pixel cap (issue 18: a 140 kB 1×16,000,000 RGBA16 PNG given to `predict --image` took 19.5 s and
// 2.3 GB). The cap is checked from the IHDR header, before anything is inflated.
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePng, ImageError, MAX_DECODE_PIXELS, MAX_DECODE_SIDE } from '../src/index.js';
import { zlibWithZeros } from './mat-build.js';
import { peakGrowthMiB } from './peak-rss.js';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A valid, all-zero (transparent black) RGBA picture: every row a filter byte and zero pixels. */
function zeroPng(width: number, height: number, depth: 8 | 16): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = 6; // RGBA
  const raw = height * (1 + (width * 4 * depth) / 8);
  const idat = zlibWithZeros(new Uint8Array(0), raw);
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}

function refusedFast(bytes: Uint8Array): ImageError {
  const cpu = process.cpuUsage();
  let err: unknown;
  const growth = peakGrowthMiB(() => {
    try {
      decodePng(bytes);
    } catch (e) {
      err = e;
    }
  });
  const used = process.cpuUsage(cpu);
  expect(err).toBeInstanceOf(ImageError);
  expect((err as ImageError).code).toBe('ERR_IMAGE');
  // Refused from the header: nothing inflated, no time spent.
  expect((used.user + used.system) / 1000).toBeLessThan(100);
  if (growth !== undefined) expect(growth).toBeLessThan(16);
  return err as ImageError;
}

describe('decodePng refuses pictures past the pixel cap from the header', () => {
  it('states the cap: 1024×1024 pixels, 8192 a side', () => {
    expect(MAX_DECODE_PIXELS).toBe(1_048_576);
    expect(MAX_DECODE_SIDE).toBe(8192);
  });

  it('the issue\'s 140 kB 1×16,000,000 RGBA16 PNG → ImageError at once', () => {
    const file = zeroPng(1, 16_000_000, 16);
    expect(file.length).toBeGreaterThan(100_000);
    expect(file.length).toBeLessThan(200_000);
    expect(refusedFast(file).message).toBe('PNG is 1x16000000: expected 1..1048576 pixels, at most 8192 a side');
  });

  it('2,000,000×1 and 1×2,000,000 (under the encoder\'s 16 M cap, over the decoder\'s) → ImageError at once', () => {
    refusedFast(zeroPng(2_000_000, 1, 16));
    refusedFast(zeroPng(1, 2_000_000, 16));
  });

  it('a side past 8192 is refused even with few pixels', () => {
    expect(refusedFast(zeroPng(8193, 1, 8)).message).toMatch(/8193x1/);
  });

  it('the largest pictures allowed decode within 2 s of CPU', () => {
    for (const [w, h] of [
      [1024, 1024],
      [128, 8192],
      [8192, 128],
    ]) {
      const cpu = process.cpuUsage();
      const image = decodePng(zeroPng(w, h, 16));
      const used = process.cpuUsage(cpu);
      expect([image.width, image.height]).toEqual([w, h]);
      expect(image.gray[0]).toBe(1); // transparent → white paper
      expect((used.user + used.system) / 1000, `${w}x${h}`).toBeLessThan(2000);
    }
  });
});
