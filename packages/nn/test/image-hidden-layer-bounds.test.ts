// Issue 18: a wide hidden layer is drawn within a pixel budget decided before anything is allocated — smaller
// tiles, or the first units that fit — so `train --report` and the server's hidden.png can always draw it.
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { decodePng, grayToPng, HIDDEN_LAYER_MAX_PIXELS, hiddenLayerGrid, hiddenLayerPng, ImageError } from '../src/image/index.js';
import type { Matrix } from '../src/matrix.js';

const shape = { width: 20, height: 20, order: 'column-major' as const };

/** Θ1 for `units` hidden units over 400 inputs: a 4,099-value pattern repeated, so neighbouring units differ. */
function theta1(units: number): Matrix {
  const pattern = Float64Array.from({ length: 4099 }, (_, i) => Math.sin(i * 0.7) + Math.cos(i * 0.013));
  const data = new Float64Array(units * 401);
  for (let at = 0; at < data.length; at += pattern.length) data.set(pattern.subarray(0, Math.min(pattern.length, data.length - at)), at);
  return { rows: units, cols: 401, data };
}

/** Unit j of a picture drawn at `cell` with `pad`, read back at one pixel per weight. */
function tileOf(g: { width: number; gray: Float64Array }, j: number, cols: number, cell: number, pad: number): number[] {
  const top = pad + Math.floor(j / cols) * (20 * cell + pad);
  const left = pad + (j % cols) * (20 * cell + pad);
  const out: number[] = [];
  for (let r = 0; r < 20; r++) for (let c = 0; c < 20; c++) out.push(g.gray[(top + r * cell) * g.width + left + c * cell]);
  return out;
}

describe('hiddenLayerGrid within a pixel budget', () => {
  it('1,000 units (train --report with --hidden 1000): all drawn at the largest cell that fits, and the PNG encodes', () => {
    const T = theta1(1000);
    const g = hiddenLayerGrid({ Theta1: T, inputShape: shape });
    expect(g.units).toBe(1000);
    expect(g.drawn).toBe(1000);
    expect(g.width * g.height).toBeLessThanOrEqual(HIDDEN_LAYER_MAX_PIXELS);
    // cell 3, separators shrunk with it to 1: 32 columns × 32 rows of 60-pixel tiles.
    expect([g.cell, g.width, g.height]).toEqual([3, 1 + 32 * 61, 1 + 32 * 61]);
    // larger than decodePng's input cap (a picture we write is not one we must accept): read it with pngjs
    const png = PNG.sync.read(Buffer.from(hiddenLayerPng({ Theta1: T, inputShape: shape })));
    expect([png.width, png.height]).toEqual([g.width, g.height]);
    // Unit 517 drawn at cell 3 is the same picture as unit 517 drawn alone at cell 1.
    const alone = hiddenLayerGrid({ Theta1: { rows: 1, cols: 401, data: T.data.subarray(517 * 401, 518 * 401) }, inputShape: shape }, { cell: 1, pad: 0 });
    expect(tileOf(g, 517, 32, 3, 1)).toEqual(Array.from(alone.gray));
  });

  it('50,000 units: the first units that fit at one pixel per weight, the size checked before drawing', () => {
    const T = theta1(50_000);
    const maxPixels = 700_000;
    const t = performance.now();
    const g = hiddenLayerGrid({ Theta1: T, inputShape: shape }, { maxPixels });
    expect(performance.now() - t).toBeLessThan(2_000);
    expect(g.units).toBe(50_000);
    expect(g.cell).toBe(1);
    expect(g.width * g.height).toBeLessThanOrEqual(maxPixels);
    expect(g.drawn).toBeGreaterThan(1_000);
    expect(g.drawn).toBeLessThan(50_000);
    const cols = Math.ceil(Math.sqrt(g.drawn));
    // One more unit would not have fitted (the count is the largest that does).
    const more = Math.ceil(Math.sqrt(g.drawn + 1));
    expect((1 + more * 21) * (1 + Math.ceil((g.drawn + 1) / more) * 21)).toBeGreaterThan(maxPixels);
    const last = g.drawn - 1;
    const alone = hiddenLayerGrid({ Theta1: { rows: 1, cols: 401, data: T.data.subarray(last * 401, (last + 1) * 401) }, inputShape: shape }, { cell: 1, pad: 0 });
    expect(tileOf(g, last, cols, 1, 1)).toEqual(Array.from(alone.gray));
  });

  it('a tile larger than the budget is an ImageError before anything is allocated', () => {
    const T: Matrix = { rows: 2, cols: 1 + 1000 * 1000, data: new Float64Array(2 * (1 + 1000 * 1000)) };
    expect(() => hiddenLayerGrid({ Theta1: T, inputShape: { width: 1000, height: 1000, order: 'row-major' } }, { maxPixels: 500_000 })).toThrow(ImageError);
    expect(() => hiddenLayerGrid({ Theta1: T, inputShape: { width: 1000, height: 1000, order: 'row-major' } }, { maxPixels: 500_000 })).toThrow(
      /a 1000x1000 tile does not fit in 500000 pixels/,
    );
  });
});

describe('grayToPng', () => {
  it('round-trips every gray level (0..255 after rounding, clamped, NaN black) through the PNG decoder', () => {
    const width = 300;
    const height = 7;
    const gray = new Float64Array(width * height);
    for (let i = 0; i < gray.length; i++) gray[i] = (i % 260) / 255 - 0.01;
    gray[5] = NaN;
    gray[6] = -3;
    gray[7] = 9;
    const back = decodePng(grayToPng({ width, height, gray }));
    expect([back.width, back.height]).toEqual([width, height]);
    for (let i = 0; i < gray.length; i++) {
      const v = gray[i];
      const byte = v >= 1 ? 255 : v >= 0 ? Math.round(v * 255) : 0;
      expect(Math.round(back.gray[i] * 255)).toBe(byte);
    }
  });
});
