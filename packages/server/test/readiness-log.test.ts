// /readyz answers 503 while no model is loaded (start-up, the default model training): that is the probe working,
// not a server error. Found by a new user's review: each such probe was logged at level 50 (error) with a stack
// made up by the logger itself ("Error: failed with status code 503 at logRequest …").
import { describe, expect, it } from 'vitest';
import { ModelRegistry } from '../src/registry.js';
import { capturingLogger, fixtureModel, listen } from './helpers.js';

describe('readiness probe logs', () => {
  it('a 503 from /readyz is logged at info without a stack; once ready the probe is quiet again', async () => {
    const { logger, lines } = capturingLogger();
    const models = new ModelRegistry();
    const srv = await listen({ models, logger });
    try {
      const notReady = await fetch(`${srv.url}/readyz`, { headers: { 'x-request-id': 'probe-503' } });
      expect(notReady.status).toBe(503);
      await notReady.text();
      models.set('default', fixtureModel(), { source: 'upload' });
      const ready = await fetch(`${srv.url}/readyz`, { headers: { 'x-request-id': 'probe-200' } });
      expect(ready.status).toBe(200);
      await ready.text();
      const byId = (id: string) => lines.find((l) => (l.req as { id?: string } | undefined)?.id === id);
      await expect.poll(() => byId('probe-503')).toBeDefined();
      const line = byId('probe-503')!;
      expect(line).toMatchObject({ level: 30, msg: 'request completed', res: { statusCode: 503 } });
      expect(line.err).toBeUndefined();
      expect(JSON.stringify(lines)).not.toMatch(/failed with status code|at logRequest/);
      expect(lines.filter((l) => l.level >= 50)).toEqual([]);
      expect(byId('probe-200')).toBeUndefined(); // a ready probe is logged at debug; this logger is at info
    } finally {
      await srv.close();
    }
  });
});
