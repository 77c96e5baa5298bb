import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelFromJson, modelToJson, saveModel, thetaChecksum } from '@backprop/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../src/registry.js';
import { fixtureModel, listen, postJson, problemOf, randomRows, referenceForward, tempDir, type TestServer } from './helpers.js';

const TOKEN = 'test-admin-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };
const first = fixtureModel({ seed: 21 });
const second = fixtureModel({ seed: 22 });

function put(url: string, body: string, headers: Record<string, string> = auth): Promise<Response> {
  return fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body });
}

describe('admin routes without a token are disabled, not open', () => {
  let srv: TestServer;
  beforeAll(async () => {
    const models = new ModelRegistry({ dir: tempDir('bp-admin-off-') });
    models.set('default', first, { source: 'upload' });
    srv = await listen({ models });
  });
  afterAll(() => srv.close());

  for (const [method, path] of [
    ['PUT', '/v1/models/x'],
    ['DELETE', '/v1/models/default'],
    ['POST', '/v1/models/default/reload'],
  ]) {
    it(`${method} ${path} → 403 admin-disabled even with a token`, async () => {
      const res = await fetch(`${srv.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...auth },
        body: method === 'PUT' ? modelToJson(second) : undefined,
      });
      const doc = await problemOf(res);
      expect(res.status).toBe(403);
      expect(doc.type).toBe('urn:backprop:problem:admin-disabled');
      expect(String(doc.detail)).toMatch(/BACKPROP_ADMIN_TOKEN/);
    });
  }

  it('the model is untouched', async () => {
    const body = (await (await fetch(`${srv.url}/v1/models/default`)).json()) as { checksum: string };
    expect(body.checksum).toBe(thetaChecksum(first.theta));
  });
});

describe('admin routes with a token', () => {
  let srv: TestServer;
  let dir: string;
  let models: ModelRegistry;
  beforeAll(async () => {
    // <root>/models: the root holds nothing else, so anything escaping the model directory would show up there.
    dir = join(tempDir('bp-admin-'), 'models');
    mkdirSync(dir);
    saveModel(join(dir, 'digits.json'), first);
    models = new ModelRegistry({ dir, defaultName: 'digits' });
    models.loadDirectory(dir);
    srv = await listen({ models, adminToken: TOKEN });
  });
  afterAll(() => srv.close());

  it('no Authorization → 401 with WWW-Authenticate; a malformed one → 401; a wrong token → 403', async () => {
    const none = await put(`${srv.url}/v1/models/x`, modelToJson(second), {});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await problemOf(none)).type).toBe('urn:backprop:problem:unauthorized');
    const basic = await put(`${srv.url}/v1/models/x`, modelToJson(second), { authorization: 'Basic dXNlcjpwYXNz' });
    expect(basic.status).toBe(401);
    expect(String((await problemOf(basic)).detail)).toMatch(/expected "Bearer <token>"/);
    for (const wrong of ['nope', `${TOKEN}x`, TOKEN.slice(0, -1)]) {
      const res = await put(`${srv.url}/v1/models/x`, modelToJson(second), { authorization: `Bearer ${wrong}` });
      expect(res.status).toBe(403);
      expect((await problemOf(res)).type).toBe('urn:backprop:problem:forbidden');
    }
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });

  it('PUT a new model → 201, persisted atomically to <dir>/<name>.json, served at once', async () => {
    const res = await put(`${srv.url}/v1/models/second`, modelToJson(second));
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/v1/models/second');
    const d = (await res.json()) as { name: string; checksum: string; source: string };
    expect(d).toMatchObject({ name: 'second', checksum: thetaChecksum(second.theta), source: 'upload' });
    const onDisk = modelFromJson(readFileSync(join(dir, 'second.json'), 'utf8'));
    expect(thetaChecksum(onDisk.theta)).toBe(thetaChecksum(second.theta));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const [x] = randomRows(1, 400, 3);
    const p = (await (await postJson(`${srv.url}/v1/models/second/predict`, { pixels: x })).json()) as {
      predictions: { scores: number[] }[];
    };
    referenceForward(second, x).forEach((v, k) => expect(p.predictions[0].scores[k]).toBeCloseTo(v, 12));
  });

  it('PUT over an existing model → 200 and the new weights answer', async () => {
    const replacement = fixtureModel({ seed: 23 });
    const res = await put(`${srv.url}/v1/models/second`, modelToJson(replacement));
    expect(res.status).toBe(200);
    const d = (await (await fetch(`${srv.url}/v1/models/second`)).json()) as { checksum: string };
    expect(d.checksum).toBe(thetaChecksum(replacement.theta));
  });

  it('a bad upload → 422 and the old model keeps serving (file unchanged)', async () => {
    const before = readFileSync(join(dir, 'digits.json'), 'utf8');
    const doc = JSON.parse(modelToJson(second)) as { theta: number[]; checksum: string };
    const bad: [string, RegExp][] = [
      [JSON.stringify({ ...doc, theta: doc.theta.slice(1) }), /theta: expected 10285 numbers/],
      [JSON.stringify({ ...doc, checksum: '0'.repeat(64) }), /checksum does not match/],
      [JSON.stringify({ ...doc, format: 'other' }), /not a backprop model/],
      [JSON.stringify({ hello: 'world' }), /not a backprop model/],
    ];
    for (const [body, detail] of bad) {
      const res = await put(`${srv.url}/v1/models/digits`, body);
      const problem = await problemOf(res);
      expect(res.status).toBe(422);
      expect(problem.type).toBe('urn:backprop:problem:invalid-model');
      expect(String(problem.detail)).toMatch(detail);
    }
    const invalidJson = await put(`${srv.url}/v1/models/digits`, '{"format":');
    expect(invalidJson.status).toBe(400);
    expect(readFileSync(join(dir, 'digits.json'), 'utf8')).toBe(before);
    const d = (await (await fetch(`${srv.url}/v1/models/digits`)).json()) as { checksum: string };
    expect(d.checksum).toBe(thetaChecksum(first.theta));
  });

  it('names that could escape the directory are refused (400) and nothing is written outside it', async () => {
    const parent = join(dir, '..');
    for (const name of ['..%2Fevil', '.evil', 'a..b', '..', '%2Fetc%2Fevil', 'x'.repeat(65), 'bad%00name']) {
      const res = await put(`${srv.url}/v1/models/${name}`, modelToJson(second));
      expect([400, 404], name).toContain(res.status);
      await problemOf(res);
    }
    expect(readdirSync(parent)).toEqual(['models']);
    expect(readdirSync(dir).sort()).toEqual(['digits.json', 'second.json']);
  });

  it('POST reload re-reads the file; a corrupt file → 422 and the loaded model keeps serving', async () => {
    const third = fixtureModel({ seed: 24 });
    saveModel(join(dir, 'digits.json'), third);
    const ok = await fetch(`${srv.url}/v1/models/digits/reload`, { method: 'POST', headers: auth });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { checksum: string }).checksum).toBe(thetaChecksum(third.theta));

    writeFileSync(join(dir, 'digits.json'), '{"format":"backprop-model","version":1,"layers":[400,25,10],"theta":[1,2');
    const bad = await fetch(`${srv.url}/v1/models/digits/reload`, { method: 'POST', headers: auth });
    const problem = await problemOf(bad);
    expect(bad.status).toBe(422);
    expect(String(problem.detail)).toMatch(/not valid JSON/);
    const d = (await (await fetch(`${srv.url}/v1/models/digits`)).json()) as { checksum: string };
    expect(d.checksum).toBe(thetaChecksum(third.theta));
    saveModel(join(dir, 'digits.json'), third);
  });

  it('reload of an unknown model → 404; of a model with no file → 409', async () => {
    const missing = await fetch(`${srv.url}/v1/models/nope/reload`, { method: 'POST', headers: auth });
    expect(missing.status).toBe(404);
    await problemOf(missing);
    const memoryOnly = new ModelRegistry();
    memoryOnly.set('default', first, { source: 'upload' });
    const s = await listen({ models: memoryOnly, adminToken: TOKEN });
    try {
      const res = await fetch(`${s.url}/v1/models/default/reload`, { method: 'POST', headers: auth });
      expect(res.status).toBe(409);
      expect((await problemOf(res)).type).toBe('urn:backprop:problem:model-not-reloadable');
    } finally {
      await s.close();
    }
  });

  it('DELETE → 204, the file is removed, the model is gone (404)', async () => {
    const res = await fetch(`${srv.url}/v1/models/second`, { method: 'DELETE', headers: auth });
    expect(res.status).toBe(204);
    expect(existsSync(join(dir, 'second.json'))).toBe(false);
    expect((await fetch(`${srv.url}/v1/models/second`)).status).toBe(404);
    const again = await fetch(`${srv.url}/v1/models/second`, { method: 'DELETE', headers: auth });
    expect(again.status).toBe(404);
    await problemOf(again);
  });

  it('swaps are atomic: under concurrent predictions every answer comes wholly from one of the two models', async () => {
    const a = fixtureModel({ seed: 31 });
    const b = fixtureModel({ seed: 32 });
    const docs = [modelToJson(a), modelToJson(b)];
    const byChecksum = new Map([
      [thetaChecksum(a.theta), a],
      [thetaChecksum(b.theta), b],
    ]);
    expect((await put(`${srv.url}/v1/models/swap`, docs[0])).status).toBe(201);
    const X = randomRows(8, 400, 99);
    const predictions: Promise<Response>[] = [];
    const uploads: Promise<Response>[] = [];
    for (let i = 0; i < 40; i++) {
      predictions.push(postJson(`${srv.url}/v1/models/swap/predict`, { inputs: X }));
      if (i % 4 === 0) uploads.push(put(`${srv.url}/v1/models/swap`, docs[(i / 4 + 1) % 2]));
    }
    for (const res of await Promise.all(uploads)) expect(res.status).toBe(200);
    const seen = new Set<string>();
    for (const res of await Promise.all(predictions)) {
      expect(res.status).toBe(200);
      const body = (await res.json()) as { checksum: string; predictions: { scores: number[] }[] };
      const model = byChecksum.get(body.checksum);
      expect(model).toBeDefined();
      seen.add(body.checksum);
      X.forEach((x, i) => {
        const h = referenceForward(model!, x);
        body.predictions[i].scores.forEach((v, k) => expect(v).toBeCloseTo(h[k], 12));
      });
    }
    expect(seen.size).toBe(2); // both versions answered: swaps happened between the predictions
  });
});
