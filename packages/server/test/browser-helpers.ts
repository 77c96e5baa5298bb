import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A stroke as points in canvas-relative coordinates (0..1 across, 0..1 down). */
export type Stroke = [number, number][];

/** Draws strokes on the #pad canvas with the mouse (pointer events), moving in small steps like a hand. */
export async function draw(page: Page, strokes: Stroke[]): Promise<void> {
  const box = await page.locator('#pad').boundingBox();
  if (!box) throw new Error('#pad canvas is not visible');
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  for (const stroke of strokes) {
    const [x0, y0] = at(stroke[0]);
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    for (const p of stroke.slice(1)) {
      const [x, y] = at(p);
      await page.mouse.move(x, y, { steps: 12 });
    }
    await page.mouse.up();
  }
}

/** Waits until the page shows the answer to the last drawing, and returns the digit shown. */
export async function shownDigit(page: Page): Promise<string> {
  await page.waitForSelector('#digit[data-state="done"]', { timeout: 15_000 });
  return (await page.locator('#digit').textContent())?.trim() ?? '';
}

/** Strokes of a few digits as a person would draw them. */
export const DIGITS: Record<string, Stroke[]> = {
  '1': [
    [
      [0.44, 0.28],
      [0.55, 0.18],
      [0.54, 0.45],
      [0.53, 0.82],
    ],
  ],
  '7': [
    [
      [0.27, 0.22],
      [0.5, 0.21],
      [0.72, 0.22],
      [0.58, 0.48],
      [0.44, 0.82],
    ],
  ],
  '0': [
    [
      [0.5, 0.18],
      [0.34, 0.28],
      [0.3, 0.5],
      [0.35, 0.74],
      [0.5, 0.83],
      [0.65, 0.74],
      [0.7, 0.5],
      [0.65, 0.27],
      [0.5, 0.18],
    ],
  ],
};

/** Draws strokes with a finger: real touch events through the DevTools protocol (pointerType "touch"). */
export async function drawByTouch(page: Page, strokes: Stroke[]): Promise<void> {
  const box = await page.locator('#pad').boundingBox();
  if (!box) throw new Error('#pad canvas is not visible');
  const cdp = await page.context().newCDPSession(page);
  const at = ([x, y]: [number, number]) => ({ x: box.x + x * box.width, y: box.y + y * box.height });
  try {
    for (const stroke of strokes) {
      let prev = at(stroke[0]);
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [prev] });
      for (const p of stroke.slice(1)) {
        const next = at(p);
        for (let s = 1; s <= 12; s++) {
          const point = { x: prev.x + ((next.x - prev.x) * s) / 12, y: prev.y + ((next.y - prev.y) * s) / 12 };
          await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [point] });
        }
        prev = next;
      }
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    }
  } finally {
    await cdp.detach();
  }
}
