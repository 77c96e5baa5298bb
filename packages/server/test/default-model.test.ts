import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, loadModel, modelToJson, thetaChecksum } from '@backprop/nn';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/server.js';
import { capturingLogger, fixtureModel, postJson, problemOf, referenceForward, tempDir } from './helpers.js';

interface Description {
  name: string;
  checksum: string;
  source: string;
  layers: number[];
  accuracy: { train: number };
  training: { method: string; lambda: number; options: Record<string, unknown>; init: Record<string, unknown>; dataset: { name: string } };
}

const TOKEN = 'default-model-test-token-123456';

describe('no --model: the default digits model, trained on first start and cached', () => {
  const cacheDir = tempDir('bp-default-');
  let firstChecksum = '';

  it('first start listens at once (503 while training), trains with the seed settings, caches and serves it', async () => {
    const { logger, lines } = capturingLogger();
    const srv = await startServer({ port: 0, cacheDir, logger, adminToken: TOKEN });
    try {
      expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
      const notReady = await fetch(`${srv.url}/readyz`);
      expect(notReady.status).toBe(503);
      await problemOf(notReady);
      const early = await postJson(`${srv.url}/v1/predict`, { pixels: Array(400).fill(0) });
      expect(early.status).toBe(503);
      expect(early.headers.get('retry-after')).toBe('5');
      expect(String((await problemOf(early)).detail)).toMatch(/being trained \(first start\)/);

      await srv.ready;
      expect((await fetch(`${srv.url}/readyz`)).status).toBe(200);
      expect(lines.some((l) => /no cached default model: training one on digits5000/.test(l.msg))).toBe(true);
      expect(lines.some((l) => l.msg === 'trained and cached the default model')).toBe(true);

      const d = (await (await fetch(`${srv.url}/v1/models/default`)).json()) as Description;
      expect(d).toMatchObject({ name: 'default', source: 'trained', layers: [400, 25, 10] });
      expect(d.training).toMatchObject({
        method: 'tnc',
        lambda: 10,
        options: { maxfun: 300 },
        init: { range: 0.5, seed: 0 },
        dataset: { name: 'digits5000' },
      });
      const cached = loadModel(join(cacheDir, 'default-model.json'));
      expect(thetaChecksum(cached.theta)).toBe(d.checksum);
      firstChecksum = d.checksum;

      // The accuracy it reports is real: recompute it with an independent forward pass over all 5000 digits.
      const data = loadDataset('digits5000');
      let hits = 0;
      for (let i = 0; i < data.X.rows; i++) {
        const h = referenceForward(cached, Array.from(data.X.data.subarray(i * 400, (i + 1) * 400)));
        let k = 0;
        for (let j = 1; j < h.length; j++) if (h[j] > h[k]) k = j;
        if (k + 1 === data.y[i]) hits++;
      }
      const accuracy = hits / data.X.rows;
      expect(accuracy).toBeGreaterThan(0.9);
      expect(Math.abs(accuracy - d.accuracy.train)).toBeLessThanOrEqual(1 / 5000);

      // An upload lands in <cacheDir>/models and comes back on the next start.
      const up = await fetch(`${srv.url}/v1/models/extra`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: modelToJson(fixtureModel({ seed: 61 })),
      });
      expect(up.status).toBe(201);
      expect(existsSync(join(cacheDir, 'models', 'extra.json'))).toBe(true);
    } finally {
      await srv.close();
    }
  });

  it('a later start loads the cache without training, plus the uploaded models', async () => {
    const { logger, lines } = capturingLogger();
    const srv = await startServer({ port: 0, cacheDir, logger });
    try {
      await srv.ready;
      expect(lines.some((l) => l.msg === 'loaded the cached default model')).toBe(true);
      expect(lines.some((l) => /training/.test(l.msg))).toBe(false);
      const list = (await (await fetch(`${srv.url}/v1/models`)).json()) as { default: string; models: Description[] };
      expect(list.default).toBe('default');
      expect(list.models.map((m) => m.name)).toEqual(['default', 'extra']);
      expect(list.models[0].checksum).toBe(firstChecksum);
    } finally {
      await srv.close();
    }
  });

  it('a corrupt cache is reported and retrained', async () => {
    writeFileSync(join(cacheDir, 'default-model.json'), '{"format":"backprop-model","version":1,"theta":[');
    const { logger, lines } = capturingLogger();
    const srv = await startServer({ port: 0, cacheDir, logger });
    try {
      await srv.ready;
      expect(lines.some((l) => l.level === 40 && /corrupt; training a new one/.test(l.msg))).toBe(true);
      const d = (await (await fetch(`${srv.url}/v1/models/default`)).json()) as Description;
      expect(d.source).toBe('trained');
      expect(thetaChecksum(loadModel(join(cacheDir, 'default-model.json')).theta)).toBe(d.checksum);
    } finally {
      await srv.close();
    }
  });

  it('closing during first-start training stops it and caches nothing', async () => {
    const fresh = tempDir('bp-default-abort-');
    const { logger } = capturingLogger();
    const srv = await startServer({ port: 0, cacheDir: fresh, logger });
    await srv.close();
    await srv.ready; // resolves (an aborted training is not an error)
    expect(existsSync(join(fresh, 'default-model.json'))).toBe(false);
  });
});
