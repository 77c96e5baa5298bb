// Requests born with Express's prototypes (src/request-classes.ts): through app.listen and startServer a request
// and its response arrive with app.request / app.response as their prototypes, so Express's per-request
// Object.setPrototypeOf is a no-op; the app behaves exactly as before (the other API tests go through a plain
// http.createServer(app), where Express still swaps the prototypes).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { saveModel } from '@backprop/nn';
import { afterEach, describe, expect, test } from 'vitest';
import { createApp } from '../src/app.js';
import { ModelRegistry } from '../src/registry.js';
import { startServer, type RunningServer } from '../src/server.js';
import { fixtureModel, postJson, randomRows, referenceForward, silentLogger, tempDir } from './helpers.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The prototypes of the next request and response as the HTTP server hands them over, before Express. */
function prototypesOnArrival(server: Server): Promise<{ req: object | null; res: object | null }> {
  return new Promise((resolve) => {
    server.prependOnceListener('request', (req: IncomingMessage, res: ServerResponse) =>
      resolve({ req: Object.getPrototypeOf(req), res: Object.getPrototypeOf(res) }),
    );
  });
}

function appWithModel() {
  const models = new ModelRegistry();
  const model = fixtureModel({ seed: 7 });
  models.set('default', model, { source: 'memory' });
  return { app: createApp({ models, logger: silentLogger() }), model };
}

describe('request classes', () => {
  test('app.listen: requests arrive with app.request / app.response as prototypes, and predictions are right', async () => {
    const { app, model } = appWithModel();
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    closers.push(() => closeServer(server));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const arrival = prototypesOnArrival(server);
    const rows = randomRows(2, 400, 3);
    const res = await postJson(`${url}/v1/predict`, { inputs: rows });
    expect(res.status).toBe(200);
    const seen = await arrival;
    expect(seen.req).toBe(app.request);
    expect(seen.res).toBe(app.response);
    // Express's API is all there: the body parser, req.app, res.json.
    const body = (await res.json()) as { predictions: { scores: number[] }[] };
    body.predictions.forEach((p, i) => {
      const expected = referenceForward(model, rows[i]);
      p.scores.forEach((v, k) => expect(v).toBeCloseTo(expected[k], 12));
    });
    expect(Object.getPrototypeOf(app.request)).toBe(Object.getPrototypeOf(createApp().request)); // Express's request object
  });

  test('a plain http.createServer(app) still works: Express swaps the prototypes itself', async () => {
    const { app } = appWithModel();
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => closeServer(server));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const arrival = prototypesOnArrival(server);
    const res = await postJson(`${url}/v1/predict`, { inputs: randomRows(1, 400, 4) });
    expect(res.status).toBe(200);
    expect((await arrival).req).not.toBe(app.request);
  });

  test('app.listen passes a listen error to its callback, once', async () => {
    const { app } = appWithModel();
    const first = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    closers.push(() => closeServer(first));
    const port = (first.address() as AddressInfo).port;
    const calls: unknown[] = [];
    const second = app.listen(port, '127.0.0.1', (err?: Error) => calls.push(err));
    await new Promise((r) => setTimeout(r, 200));
    expect(calls).toHaveLength(1);
    expect((calls[0] as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
    second.close();
  });

  test('startServer: requests arrive with the app prototypes', async () => {
    const dir = tempDir('request-classes-');
    saveModel(join(dir, 'default.json'), fixtureModel({ seed: 2 }));
    const running: RunningServer = await startServer({ port: 0, modelPath: dir, logger: silentLogger(), cacheDir: dir });
    closers.push(() => running.close());
    const arrival = prototypesOnArrival(running.server);
    const res = await postJson(`${running.url}/v1/predict`, { inputs: randomRows(1, 400, 5) });
    expect(res.status).toBe(200);
    const seen = await arrival;
    // Born with the app's request prototype: a subclass of IncomingMessage whose prototype carries `app` and
    // whose own prototype is Express's request object (the one every app's request prototype inherits).
    expect(Object.hasOwn(seen.req!, 'app')).toBe(true);
    expect(Object.getPrototypeOf(seen.req!)).toBe(Object.getPrototypeOf(createApp().request));
    expect(Object.hasOwn(seen.res!, 'app')).toBe(true);
  });
});
