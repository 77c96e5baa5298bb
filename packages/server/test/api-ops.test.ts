import { modelToJson } from '@backprop/nn';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { openapiDocument } from '../src/openapi.js';
import { ModelRegistry, type ModelEntry } from '../src/registry.js';
import { capturingLogger, fixtureModel, listen, postJson, problemOf, silentLogger } from './helpers.js';

describe('health and readiness', () => {
  it('/healthz is 200 always; /readyz is 503 until a model is loaded, then 200', async () => {
    const models = new ModelRegistry({ defaultName: 'default' });
    models.markPending('default', 'the default model is being trained');
    const srv = await listen({ models });
    try {
      expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
      const notReady = await fetch(`${srv.url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(String((await problemOf(notReady)).detail)).toMatch(/no model is loaded yet: the default model is being prepared/);
      models.set('default', fixtureModel(), { source: 'trained' });
      const ready = await fetch(`${srv.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', models: 1, default: 'default' });
    } finally {
      await srv.close();
    }
  });
});

/** Every (path, method) the app registers, from Express's router, with `:name` written as `{name}`. */
function registeredRoutes(app: ReturnType<typeof createApp>): string[] {
  const out: string[] = [];
  const stack = (app as unknown as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router.stack;
  for (const layer of stack) {
    if (!layer.route) continue;
    const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
    for (const method of Object.keys(layer.route.methods)) if (method !== '_all') out.push(`${method.toUpperCase()} ${path}`);
  }
  return out;
}

describe('OpenAPI document', () => {
  it('is served at /openapi.json as OpenAPI 3.1', async () => {
    const srv = await listen();
    try {
      const res = await fetch(`${srv.url}/openapi.json`);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
      expect(doc.openapi).toBe('3.1.0');
      expect(doc).toEqual(JSON.parse(JSON.stringify(openapiDocument)));
    } finally {
      await srv.close();
    }
  });

  it('documents every route the app registers, with its methods, and nothing it does not serve', () => {
    const app = createApp({ logger: silentLogger() });
    const routes = registeredRoutes(app);
    expect(routes.length).toBeGreaterThanOrEqual(14);
    const paths = openapiDocument.paths as Record<string, Record<string, unknown>>;
    for (const route of routes) {
      const [method, path] = route.split(' ');
      expect(paths[path], `${route} is not in openapi.json`).toBeDefined();
      expect(paths[path][method.toLowerCase()], `${route} is not in openapi.json`).toBeDefined();
    }
    const documented = Object.entries(paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((k) => ['get', 'post', 'put', 'delete', 'patch'].includes(k))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    // /static/{file} is served by express.static (a mount, not a route).
    expect(documented.filter((r) => r !== 'GET /static/{file}').sort()).toEqual([...routes].sort());
  });

  it('every $ref points at a defined schema', () => {
    const text = JSON.stringify(openapiDocument);
    const schemas = openapiDocument.components.schemas as Record<string, unknown>;
    for (const [, name] of text.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)) expect(schemas[name], name).toBeDefined();
  });
});

describe('metrics', () => {
  it('counts requests by route pattern and status, predictions served and model load errors', async () => {
    const models = new ModelRegistry();
    models.set('default', fixtureModel(), { source: 'upload' });
    const srv = await listen({ models, adminToken: 'metrics-token-0123456789' });
    try {
      await postJson(`${srv.url}/v1/predict`, { pixels: Array(400).fill(0.5) });
      await postJson(`${srv.url}/v1/models/default/predict`, { inputs: [Array(400).fill(0), Array(400).fill(1)] });
      await postJson(`${srv.url}/v1/predict`, { pixels: [1] });
      await fetch(`${srv.url}/v1/models/unknown-model`);
      await fetch(`${srv.url}/no/such/route`);
      const badDoc = JSON.stringify({ ...JSON.parse(modelToJson(fixtureModel())), layers: [3, 2] });
      await fetch(`${srv.url}/v1/models/broken`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: 'Bearer metrics-token-0123456789' },
        body: badDoc,
      });
      const res = await fetch(`${srv.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await res.text();
      const value = (series: string): number => {
        const line = text.split('\n').find((l) => l.startsWith(`${series} `));
        return line ? Number(line.slice(series.length + 1)) : NaN;
      };
      expect(value('backprop_http_requests_total{method="POST",route="/v1/predict",status="200"}')).toBe(1);
      expect(value('backprop_http_requests_total{method="POST",route="/v1/predict",status="400"}')).toBe(1);
      expect(value('backprop_http_requests_total{method="POST",route="/v1/models/:name/predict",status="200"}')).toBe(1);
      expect(value('backprop_http_requests_total{method="GET",route="/v1/models/:name",status="404"}')).toBe(1);
      expect(value('backprop_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
      expect(value('backprop_http_request_duration_seconds_count{method="POST",route="/v1/predict",status="200"}')).toBe(1);
      expect(value('backprop_predictions_total{model="default"}')).toBe(3);
      expect(value('backprop_model_load_errors_total{model="broken"}')).toBe(1);
      expect(value('backprop_models_loaded')).toBe(1);
    } finally {
      await srv.close();
    }
  });

  it('each app has its own registry (two apps do not share counts)', async () => {
    const a = await listen();
    const b = await listen();
    try {
      await fetch(`${a.url}/healthz`);
      await fetch(`${a.url}/healthz`);
      const textB = await (await fetch(`${b.url}/metrics`)).text();
      expect(textB).not.toMatch(/route="\/healthz"/);
      const textA = await (await fetch(`${a.url}/metrics`)).text();
      expect(textA).toMatch(/backprop_http_requests_total\{method="GET",route="\/healthz",status="200"\} 2/);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('one error path', () => {
  it('an unexpected fault is a generic 500 problem without the message or stack; the request id is echoed', async () => {
    class FaultyRegistry extends ModelRegistry {
      override require(): ModelEntry {
        throw new Error('secret internal detail at /srv/app.js:1:1');
      }
    }
    const srv = await listen({ models: new FaultyRegistry() });
    try {
      const res = await postJson(`${srv.url}/v1/predict`, { pixels: [0] }, { 'x-request-id': 'req-42' });
      expect(res.status).toBe(500);
      expect(res.headers.get('x-request-id')).toBe('req-42');
      const doc = await problemOf(res);
      expect(doc).toMatchObject({ type: 'urn:backprop:problem:internal', status: 500, requestId: 'req-42' });
      expect(JSON.stringify(doc)).not.toMatch(/secret|app\.js/);
    } finally {
      await srv.close();
    }
  });

  it('generates a request id when none (or an unsafe one) is sent', async () => {
    const srv = await listen();
    try {
      const res = await fetch(`${srv.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await srv.close();
    }
  });

  it('createApp rejects bad limits with a typed error naming the option', () => {
    expect(() => createApp({ logger: silentLogger(), maxBatchRows: 0 })).toThrow(/maxBatchRows: expected a positive integer, got 0/);
    expect(() => createApp({ logger: silentLogger(), bodyLimit: 'lots' })).toThrow(/bodyLimit: expected a byte count/);
  });
});

describe('request logs', () => {
  it('one structured line per request, 4xx at warn, 5xx at error, probes at debug, and never the bearer token', async () => {
    const { logger, lines } = capturingLogger();
    const models = new ModelRegistry();
    models.set('default', fixtureModel(), { source: 'upload' });
    const token = 'log-secret-token-abcdef0123456789';
    const srv = await listen({ models, logger, adminToken: token });
    try {
      await postJson(`${srv.url}/v1/predict`, { pixels: Array(400).fill(0) }, { 'x-request-id': 'ok-1' });
      await postJson(`${srv.url}/v1/predict`, { pixels: [] }, { 'x-request-id': 'bad-1' });
      await fetch(`${srv.url}/v1/models/default/reload`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-request-id': 'admin-1', cookie: 'session=abc' } });
      await fetch(`${srv.url}/healthz`, { headers: { 'x-request-id': 'probe-1' } });
      const byId = (id: string) => lines.find((l) => (l.req as { id?: string } | undefined)?.id === id);
      expect(byId('ok-1')).toMatchObject({ level: 30, req: { method: 'POST', url: '/v1/predict' }, res: { statusCode: 200 } });
      expect(byId('ok-1')?.responseTime).toEqual(expect.any(Number));
      expect(byId('bad-1')).toMatchObject({ level: 40, res: { statusCode: 400 } });
      expect(byId('admin-1')).toMatchObject({ res: { statusCode: 409 } });
      expect(byId('probe-1')).toBeUndefined(); // logged at debug; the logger is at info
      const text = JSON.stringify(lines);
      expect(text).not.toContain(token);
      expect(text).not.toContain('session=abc');
    } finally {
      await srv.close();
    }
  });
});
