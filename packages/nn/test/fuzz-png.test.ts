// Seeded mutation fuzzing of PNG input (decodePng, then imageToInput as `backprop predict --image` and the server
// use it): 500 mutated pictures, each decodes or fails with ImageError. In a file of its own because a PNG bug can
// take the whole process down (a second IHDR claiming 10^8 pixels makes pngjs hand zlib a size that fails a Node
// assertion and aborts), which then fails only this file. First the inputs the fuzzer found, as plain tests; the fuzz run last.
import { readFileSync, writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import { decodePng, encodePng, ImageError } from '../src/index.js';
import { bugLines, harness, repoRoot } from './fuzz-helpers.js';

const SEED = 20261128;
const CASES = 500;

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function ihdr(width: number, height: number, depth: number, colorType: number, interlace: number): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data[8] = depth;
  data[9] = colorType;
  data[12] = interlace;
  return chunk('IHDR', data);
}

function png(...chunks: Buffer[]): Buffer {
  return Buffer.concat([SIGNATURE, ...chunks, chunk('IEND', new Uint8Array(0))]);
}

/** Peak RSS in MiB since the last reset (Linux /proc); undefined where it cannot be measured. */
function resetPeakRss(): number | undefined {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return field('VmRSS');
  } catch {
    return undefined;
  }
}

function field(name: string): number {
  const m = new RegExp(`${name}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  if (!m) throw new Error(`no ${name} in /proc/self/status`);
  return Number(m[1]) / 1024;
}

const canMeasurePeak = resetPeakRss() !== undefined;

describe('PNG inputs the fuzzer found', () => {
  it('a second IHDR chunk (5x3, then 4x4) is refused, not decoded with the second size', () => {
    const file = png(ihdr(5, 3, 8, 0, 0), ihdr(4, 4, 8, 0, 0), chunk('IDAT', deflateSync(Buffer.alloc(3 * 6))));
    expect(() => decodePng(file)).toThrow(ImageError);
  });

  it('a second IHDR claiming 16777216x1 pixels (past MAX_PNG_PIXELS) is refused with ImageError', () => {
    const first = encodePng(5, 3, new Uint8Array(15));
    const at = 8 + 12 + 13; // after the signature and the first IHDR
    const file = Buffer.concat([first.subarray(0, at), ihdr(16_777_216, 1, 16, 2, 0), first.subarray(at)]);
    expect(() => decodePng(file)).toThrow(ImageError);
  });

  it.skipIf(!canMeasurePeak)(
    'an interlaced 3x5 PNG whose pixel stream inflates to 64 MiB is refused without inflating it (peak RSS + < 32 MiB)',
    () => {
      const bomb = deflateSync(Buffer.alloc(64 << 20), { level: 1 }); // ~290 KiB
      const file = png(ihdr(3, 5, 8, 0, 1), chunk('IDAT', bomb));
      const before = resetPeakRss()!;
      expect(() => decodePng(file)).toThrow(ImageError);
      expect(field('VmHWM') - before).toBeLessThan(32);
    },
  );

  it('a 5x1048579 picture whose pixel stream holds 3 rows is refused, not decoded as 5 million zero pixels', () => {
    const rows = Buffer.alloc(3 * 6); // 3 rows of a filter byte and 5 gray pixels
    const file = png(ihdr(5, 1_048_579, 8, 0, 0), chunk('IDAT', deflateSync(rows)));
    expect(() => decodePng(file)).toThrow(ImageError);
  });

  it('the same picture with a pixel stream of the right size decodes (the check is not over-strict)', () => {
    // Adam7: seven passes over the picture, each row of a pass = a filter byte (0) + that pass's pixels.
    const passes = [[0, 0, 8, 8], [0, 4, 8, 8], [4, 0, 8, 4], [0, 2, 4, 4], [2, 0, 4, 2], [0, 1, 2, 2], [1, 0, 2, 1]];
    const passBytes: number[] = [];
    for (const [r0, c0, dr, dc] of passes) {
      for (let r = r0; r < 5; r += dr) {
        const pixels = [];
        for (let c = c0; c < 3; c += dc) pixels.push(128);
        if (pixels.length > 0) passBytes.push(0, ...pixels);
      }
    }
    const file = png(ihdr(3, 5, 8, 0, 1), chunk('IDAT', deflateSync(Uint8Array.from(passBytes))));
    const image = decodePng(file);
    expect([image.width, image.height]).toEqual([3, 5]);
    for (const v of image.gray) expect(v).toBeCloseTo(128 / 255, 12);
  });
});

describe('PNG fuzzing: 500 mutated pictures, decoded or refused with ImageError', () => {
  it('no crash, no inconsistent picture, no hang', () => {
    const tally = harness.runCases({ formatName: 'png', lib: nn, root: repoRoot, seed: SEED, count: CASES });
    expect(tally.cases).toBe(CASES);
    expect(bugLines(tally, 'png', SEED)).toEqual([]);
    expect(tally.outcomes.ok).toBeGreaterThan(0);
    expect(tally.outcomes.typed).toBeGreaterThan(CASES / 4);
  });
});
