import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server.js';
import { DIGITS, draw, drawByTouch, hasChromium, launchChromium, shownDigit } from './browser-helpers.js';
import { silentLogger, tempDir } from './helpers.js';

const artifacts = fileURLToPath(new URL('./artifacts/', import.meta.url));

if (!hasChromium) {
  console.warn('[browser.test] SKIPPED: /usr/bin/chromium is not installed, so the draw-a-digit page is not tested in a browser');
}

describe.skipIf(!hasChromium)('the draw-a-digit page in Chromium', () => {
  let srv: RunningServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    // The model the page uses is the real default: trained on digits5000 with the seed's settings (first start).
    srv = await startServer({ port: 0, cacheDir: tempDir('bp-browser-'), logger: silentLogger() });
    await srv.ready;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => {
      // The page aborts a prediction that a newer drawing has made stale; that is by design.
      const stale = r.url() === `${srv.url}/v1/predict` && r.failure()?.errorText === 'net::ERR_ABORTED';
      if (!stale) problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
    });
    mkdirSync(artifacts, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('loads with every asset served locally: bars for 0–9 and the hidden-layer picture', async () => {
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(srv.url) && !r.url().startsWith('data:')) external.push(r.url());
    });
    await page.goto(`${srv.url}/`);
    await page.waitForSelector('#bars li');
    expect(await page.locator('#bars li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.label))).toEqual(
      ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    );
    await page.waitForFunction(() => {
      const img = document.getElementById('hidden') as HTMLImageElement;
      return img.complete && img.naturalWidth > 0;
    });
    expect(await page.locator('#hidden-card').isVisible()).toBe(true);
    expect(await page.locator('#model-info').textContent()).toMatch(/layers 400–25–10 · training accuracy \d+\.\d% · TNC, λ = 10/);
    expect(external).toEqual([]);
  });

  for (const digit of ['7', '1', '0']) {
    it(`drawing a ${digit} with the mouse shows ${digit}`, async () => {
      await page.click('#clear');
      expect(await page.locator('#digit').textContent()).toBe('?');
      await draw(page, DIGITS[digit]);
      expect(await shownDigit(page)).toBe(digit);
      // The winning bar is the drawn digit's, and the network's 20×20 view was drawn.
      expect(await page.locator('#bars li.best').getAttribute('data-label')).toBe(digit);
      // The bars are class probabilities (they sum to 100%, each shown to 0.1%), not the raw output units.
      const shown = await page.locator('#bars li .value').allTextContents();
      expect(Math.abs(shown.reduce((sum, v) => sum + Number.parseFloat(v), 0) - 100)).toBeLessThanOrEqual(0.5);
      const inkInPreview = await page.evaluate(() => {
        const c = document.getElementById('input') as HTMLCanvasElement;
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let ink = 0;
        for (let i = 0; i < d.length; i += 4) ink += d[i];
        return ink;
      });
      expect(inkInPreview).toBeGreaterThan(0);
      await page.screenshot({ path: join(artifacts, `draw-${digit}.png`) });
    });
  }

  it('Clear empties the canvas and the prediction', async () => {
    await page.click('#clear');
    expect(await page.locator('#digit').textContent()).toBe('?');
    expect(await page.locator('#bars li.best').count()).toBe(0);
  });

  it('on a phone-sized touch screen, drawing a 7 with a finger shows 7', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    try {
      await phone.goto(`${srv.url}/`);
      await phone.waitForSelector('#bars li');
      await drawByTouch(phone, DIGITS['7']);
      expect(await shownDigit(phone)).toBe('7');
      await phone.screenshot({ path: join(artifacts, 'phone.png'), fullPage: true });
    } finally {
      await phone.close();
    }
  });

  it('logged no console errors, page errors or failed requests', () => {
    expect(problems).toEqual([]);
  });
});
