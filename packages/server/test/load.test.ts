import { describe, expect, it } from 'vitest';
import autocannon from 'autocannon';
import { ModelRegistry } from '../src/registry.js';
import { fixtureModel, listen, randomRows } from './helpers.js';

interface CannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p99: number };
}

const json = { 'content-type': 'application/json' };

describe('load: a bounded mix of valid and invalid requests on 127.0.0.1', () => {
  it('2000 requests over 10 connections: no errors, no timeouts, no 5xx, every answer as expected', async () => {
    const models = new ModelRegistry();
    models.set('default', fixtureModel({ seed: 51 }), { source: 'upload' });
    const srv = await listen({ models, maxBatchRows: 100 });
    try {
      const one = JSON.stringify({ pixels: randomRows(1, 400, 1)[0] });
      const batch = JSON.stringify({ inputs: randomRows(50, 400, 2) });
      const tooMany = JSON.stringify({ inputs: Array.from({ length: 101 }, () => [0]) });
      // One cycle: 4 × 200, 2 × 400, 1 × 404, 1 × 413.
      const requests = [
        { method: 'POST', path: '/v1/predict', headers: json, body: one },
        { method: 'POST', path: '/v1/models/default/predict', headers: json, body: batch },
        { method: 'GET', path: '/v1/models' },
        { method: 'GET', path: '/healthz' },
        { method: 'POST', path: '/v1/predict', headers: json, body: '{"pixels": [1, 2' },
        { method: 'POST', path: '/v1/predict', headers: json, body: '{"pixels": [1, 2, 3]}' },
        { method: 'POST', path: '/v1/models/nope/predict', headers: json, body: one },
        { method: 'POST', path: '/v1/predict', headers: json, body: tooMany },
      ];
      const connections = 10;
      const amount = 2000; // 200 per connection = 25 cycles each
      const result = (await autocannon({
        url: srv.url,
        connections,
        amount,
        timeout: 10,
        requests,
      })) as unknown as CannonResult;

      expect(result.errors).toBe(0);
      expect(result.timeouts).toBe(0);
      const counts = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, Number(s.count)]));
      expect(Object.keys(counts).filter((code) => code.startsWith('5'))).toEqual([]);
      const cycles = amount / requests.length;
      expect(counts).toEqual({ '200': 4 * cycles, '400': 2 * cycles, '404': cycles, '413': cycles });

      // The server's own counters agree with what the client saw.
      const metrics = await (await fetch(`${srv.url}/metrics`)).text();
      const series = (s: string) => Number(metrics.split('\n').find((l) => l.startsWith(`${s} `))?.split(' ')[1]);
      expect(series('backprop_predictions_total{model="default"}')).toBe(cycles * (1 + 50));
      expect(series('backprop_http_requests_total{method="POST",route="/v1/predict",status="400"}')).toBe(2 * cycles);
      expect(series('backprop_http_requests_total{method="POST",route="/v1/predict",status="413"}')).toBe(cycles);
    } finally {
      await srv.close();
    }
  });
});
