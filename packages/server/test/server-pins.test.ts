/**
 * Pins found by mutation testing (issue 21): behaviour at the edges of input validation and admin auth that no
 * other test reached. Each case here failed on a one-line mutant of the code that should enforce it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { modelToJson } from '@backprop/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../src/registry.js';
import { isModelName } from '../src/model-name.js';
import { fixtureModel, listen, postJson, problemOf, referenceForward, tempDir, type TestServer } from './helpers.js';

const TOKEN = 'pins-admin-token-0123456789abcdef';

describe('an input row must have exactly the input layer size: too many is as wrong as too few', () => {
  let srv: TestServer;
  beforeAll(async () => {
    const models = new ModelRegistry({ dir: tempDir('bp-pins-rows-') });
    models.set('default', fixtureModel({ seed: 31 }), { source: 'upload' });
    srv = await listen({ models });
  });
  afterAll(() => srv.close());

  it.each([
    ['"pixels" of 401', { pixels: Array(401).fill(0) }, /^pixels: expected 400 numbers \(a 20x20 image in column-major order\), got 401$/],
    ['"pixels" of 800', { pixels: Array(800).fill(0) }, /^pixels: expected 400 numbers .*, got 800$/],
    ['a batch row of 401', { inputs: [Array(400).fill(0), Array(401).fill(0)] }, /^inputs\[1\]: expected 400 numbers .*, got 401$/],
    ['a batch whose only row has 401', { inputs: [Array(401).fill(0.5)] }, /^inputs\[0\]: expected 400 numbers .*, got 401$/],
  ])('%s → 400 invalid-input naming the expected count', async (_name, body, detail) => {
    const res = await postJson(`${srv.url}/v1/predict`, body);
    const doc = await problemOf(res);
    expect(res.status).toBe(400);
    expect(doc.type).toBe('urn:backprop:problem:invalid-input');
    expect(String(doc.detail)).toMatch(detail);
  });

  it('a model without an input shape names only the count', async () => {
    const models = new ModelRegistry({ dir: tempDir('bp-pins-noshape-') });
    models.set('default', fixtureModel({ layers: [5, 3, 2], seed: 36, withShape: false }), { source: 'upload' });
    const plain = await listen({ models });
    try {
      const res = await postJson(`${plain.url}/v1/predict`, { pixels: [0, 0, 0] });
      expect(res.status).toBe(400);
      expect(String((await problemOf(res)).detail)).toBe('pixels: expected 5 numbers, got 3');
    } finally {
      await plain.close();
    }
  });

  it('a row of exactly 400 is still answered', async () => {
    const res = await postJson(`${srv.url}/v1/predict`, { inputs: [Array(400).fill(0), Array(400).fill(1)] });
    expect(res.status).toBe(200);
  });
});

const inputModel = fixtureModel({ layers: [4, 3, 2], seed: 33 });

describe('predict input validation: every mistake is one 4xx problem naming the field, the expected and the received', () => {
  // A 2x2-pixel model, a 1 kB body limit and at most 3 rows: the bounds are reached with small requests.
  let srv: TestServer;
  beforeAll(async () => {
    const models = new ModelRegistry({ dir: tempDir('bp-pins-inputs-') });
    models.set('default', inputModel, { source: 'upload' });
    srv = await listen({ models, bodyLimit: '1kb', maxBatchRows: 3 });
  });
  afterAll(() => srv.close());

  const long = 'x'.repeat(60);
  it.each([
    ['a JSON array body', [1, 2, 3, 4], 400, 'invalid-input', /^request body: expected a JSON object with "pixels" \(one input\) or "inputs" \(a batch\), got an array of 4$/],
    ['an unknown field', { pixels: [0, 0, 0, 0], extra: 1 }, 400, 'invalid-input', /^request body: unknown field "extra"; expected "pixels" or "inputs"$/],
    ['neither field', {}, 400, 'invalid-input', /^request body: expected "pixels" \(one input\) or "inputs" \(a batch\), got neither$/],
    ['both fields', { pixels: [0, 0, 0, 0], inputs: [[0, 0, 0, 0]] }, 400, 'invalid-input', /^request body: expected "pixels" or "inputs", not both$/],
    ['pixels an object', { pixels: { a: 1 } }, 400, 'invalid-input', /^pixels: expected an array of 4 numbers \(a 2x2 image in column-major order\), got object$/],
    ['pixels null', { pixels: null }, 400, 'invalid-input', /^pixels: expected an array of 4 numbers .*, got null$/],
    ['3 pixels', { pixels: [0, 0, 0] }, 400, 'invalid-input', /^pixels: expected 4 numbers \(a 2x2 image in column-major order\), got 3$/],
    ['5 pixels', { pixels: [0, 0, 0, 0, 0] }, 400, 'invalid-input', /^pixels: expected 4 numbers .*, got 5$/],
    ['a string pixel', { pixels: [0, 0, 0, '1'] }, 400, 'invalid-input', /^pixels\[3\]: expected a finite number, got "1"$/],
    ['a boolean pixel', { pixels: [true, 0, 0, 0] }, 400, 'invalid-input', /^pixels\[0\]: expected a finite number, got true$/],
    ['a nested pixel', { pixels: [0, [1], 0, 0] }, 400, 'invalid-input', /^pixels\[1\]: expected a finite number, got an array of 1$/],
    ['a pixel nested past the schema\'s depth (refused while the body is read)', { pixels: [0, [[1]], 0, 0] }, 400, 'invalid-json', /deeper than 3 levels/],
    ['an object pixel', { pixels: [0, 0, { v: 1 }, 0] }, 400, 'invalid-input', /^pixels\[2\]: expected a finite number, got object$/],
    ['a long string pixel (cut to 40 characters)', { pixels: [long, 0, 0, 0] }, 400, 'invalid-input', new RegExp(`^pixels\\[0\\]: expected a finite number, got "${'x'.repeat(36)}\\.\\.\\.$`)],
    ['an infinite pixel', '{"pixels":[0,0,1e999,0]}', 400, 'invalid-input', /^pixels\[2\]: expected a finite number, got Infinity$/],
    ['inputs not an array', { inputs: 5 }, 400, 'invalid-input', /^inputs: expected an array of inputs \(each 4 numbers \(a 2x2 image in column-major order\)\), got number$/],
    ['empty inputs', { inputs: [] }, 400, 'invalid-input', /^inputs: expected at least 1 input, got an empty array$/],
    ['a batch row not an array', { inputs: [[0, 0, 0, 0], 7] }, 400, 'invalid-input', /^inputs\[1\]: expected an array of 4 numbers .*, got number$/],
    ['a bad value deep in a batch', { inputs: [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, null, 0]] }, 400, 'invalid-input', /^inputs\[2\]\[2\]: expected a finite number, got null$/],
    ['4 rows over a limit of 3', { inputs: [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]] }, 413, 'batch-too-large', /^inputs: at most 3 inputs per request, got 4$/],
    // the route's own limit, 64 + 3 rows × (4 numbers × 25 + 3) = 373 bytes, is below the operator's 1 kB
    ['a body over the largest valid request', { pixels: Array(300).fill(0.125) }, 413, 'body-too-large', /^request body is \d+ bytes; the limit is 373 bytes \(3 inputs of 4 numbers\)$/],
    ['invalid JSON', '{"pixels": [0,', 400, 'invalid-json', /^request body is not valid JSON/],
  ])('%s', async (_name, body, status, type, detail) => {
    const res = await postJson(`${srv.url}/v1/predict`, body);
    const doc = await problemOf(res);
    expect(res.status).toBe(status);
    expect(doc.type).toBe(`urn:backprop:problem:${type}`);
    expect(String(doc.detail)).toMatch(detail);
    if (type === 'batch-too-large') expect(doc.limit).toBe(3);
    if (type === 'body-too-large') expect(doc.limit).toBe(373);
  });

  it('a body that is not JSON → 415 naming the content type, or asking for one', async () => {
    const typed = await fetch(`${srv.url}/v1/predict`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'pixels' });
    expect(typed.status).toBe(415);
    expect(String((await problemOf(typed)).detail)).toBe('Content-Type: expected application/json, got "text/plain"');
    const untyped = await fetch(`${srv.url}/v1/predict`, { method: 'POST', body: new Uint8Array([1, 2]) });
    expect(untyped.status).toBe(415);
    expect(String((await problemOf(untyped)).detail)).toMatch(/^(request body: expected a JSON body with Content-Type: application\/json|Content-Type: expected application\/json, got .*)$/);
  });

  it('a full batch of 3 valid rows and a single input are answered, each row exactly where it was sent', async () => {
    // scores are the raw output units (the reference forward pass); probabilities are them normalised to sum 1
    type Answer = { predictions: { scores: number[]; probabilities: number[] }[] };
    const normalised = (h: number[]) => h.map((v) => v / h.reduce((a, b) => a + b, 0));
    const rows = [[0, 0.5, 1, 0.75], [1, 0.25, 0.5, 1], [0.125, 0.875, 0, 0.5]];
    const batch = await postJson(`${srv.url}/v1/predict`, { inputs: rows });
    expect(batch.status).toBe(200);
    const got = ((await batch.json()) as Answer).predictions;
    expect(got).toHaveLength(3);
    rows.forEach((x, i) => {
      got[i].scores.forEach((v, k) => expect(v).toBeCloseTo(referenceForward(inputModel, x)[k], 12));
      got[i].probabilities.forEach((v, k) => expect(v).toBeCloseTo(normalised(referenceForward(inputModel, x))[k], 12));
    });
    const x = [0.25, 0.5, 0.75, 1];
    const one = await postJson(`${srv.url}/v1/predict`, { pixels: x });
    expect(one.status).toBe(200);
    const [p] = ((await one.json()) as Answer).predictions;
    p.scores.forEach((v, k) => expect(v).toBeCloseTo(referenceForward(inputModel, x)[k], 12));
  });

  it('a string pixel is quoted in full up to 40 characters of JSON, then cut to 37 and "..."', async () => {
    const exactly40 = 'y'.repeat(38); // "yyy…" is 40 characters of JSON
    const res = await postJson(`${srv.url}/v1/predict`, { pixels: [exactly40, 0, 0, 0] });
    expect(String((await problemOf(res)).detail)).toBe(`pixels[0]: expected a finite number, got ${JSON.stringify(exactly40)}`);
    const res41 = await postJson(`${srv.url}/v1/predict`, { pixels: ['y'.repeat(39), 0, 0, 0] });
    expect(String((await problemOf(res41)).detail)).toBe(`pixels[0]: expected a finite number, got "${'y'.repeat(36)}...`);
  });

  it('a top-level string, null or number is a 400 asking for the object, and any +json type is taken', async () => {
    for (const body of ['"abc"', 'null', '42']) {
      const res = await postJson(`${srv.url}/v1/predict`, body);
      expect(res.status).toBe(400);
      const doc = await problemOf(res);
      expect(doc.type).toBe('urn:backprop:problem:invalid-input');
      expect(String(doc.detail)).toMatch(/^request body: expected a JSON object/);
    }
    const vendor = await postJson(`${srv.url}/v1/predict`, { pixels: [0, 0, 0, 0] }, { 'content-type': 'application/vnd.example+json' });
    expect(vendor.status).toBe(200);
  });

  it('a long Content-Type is quoted cut to 100 characters', async () => {
    const type = `text/${'z'.repeat(150)}`;
    const res = await fetch(`${srv.url}/v1/predict`, { method: 'POST', headers: { 'content-type': type }, body: 'x' });
    expect(res.status).toBe(415);
    expect(String((await problemOf(res)).detail)).toBe(`Content-Type: expected application/json, got ${JSON.stringify(type.slice(0, 100))}`);
  });
});

describe('without a configured admin token the admin routes are disabled, not open', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await listen({ models: new ModelRegistry({ dir: tempDir('bp-pins-noadmin-') }) });
  });
  afterAll(() => srv.close());

  it.each([undefined, `Bearer ${TOKEN}`, 'Bearer '])('Authorization %s → 403 admin-disabled', async (authorization) => {
    const res = await fetch(`${srv.url}/v1/models/x`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: modelToJson(fixtureModel({ seed: 34 })),
    });
    expect(res.status).toBe(403);
    const doc = await problemOf(res);
    expect(doc.type).toBe('urn:backprop:problem:admin-disabled');
    expect(String(doc.detail)).toBe(
      'admin routes are disabled on this server: start it with BACKPROP_ADMIN_TOKEN set to enable model upload, delete and reload',
    );
  });
});

describe('model names become file names: only 1-64 of [A-Za-z0-9._-], starting alphanumeric, never ".."', () => {
  let srv: TestServer;
  beforeAll(async () => {
    const models = new ModelRegistry({ dir: tempDir('bp-pins-names-') });
    models.set('default', fixtureModel({ layers: [4, 3, 2], seed: 35 }), { source: 'upload' });
    srv = await listen({ models });
  });
  afterAll(() => srv.close());

  const predict = (name: string) => postJson(`${srv.url}/v1/models/${encodeURIComponent(name)}/predict`, { pixels: [0, 0, 0, 0] });

  it.each(['a..b', '..x', 'x..', '.hidden', '-x', '_x', 'x y', 'a/b', 'ä', 'x'.repeat(65), 'x\u0000'])('%j → 400 invalid-model-name', async (name) => {
    const res = await predict(name);
    expect(res.status).toBe(400);
    const doc = await problemOf(res);
    expect(doc.type).toBe('urn:backprop:problem:invalid-model-name');
    expect(String(doc.detail)).toBe(
      `model name: expected 1-64 characters of letters, digits, '.', '_' or '-' starting with a letter or digit and without '..', got ${JSON.stringify(name)}`,
    );
    expect(isModelName(name)).toBe(false);
  });

  it.each(['x'.repeat(64), 'A', '0', 'a.b', 'a_b-c.d', 'Z9'])('%j is a valid name (404 model-not-found, not 400)', async (name) => {
    expect(isModelName(name)).toBe(true);
    const res = await predict(name);
    expect(res.status).toBe(404);
    expect((await problemOf(res)).type).toBe('urn:backprop:problem:model-not-found');
  });

  it('the default model is reachable by its name', async () => {
    expect((await predict('default')).status).toBe(200);
  });
});

describe('the admin bearer token must be the whole Authorization value', () => {
  let srv: TestServer;
  let models: ModelRegistry;
  beforeAll(async () => {
    const dir = join(tempDir('bp-pins-admin-'), 'models');
    mkdirSync(dir);
    models = new ModelRegistry({ dir });
    srv = await listen({ models, adminToken: TOKEN });
  });
  afterAll(() => srv.close());

  const put = (authorization: string) =>
    fetch(`${srv.url}/v1/models/pinned`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization },
      body: modelToJson(fixtureModel({ seed: 32 })),
    });

  it.each([
    ['the right token then junk', `Bearer ${TOKEN} trailing-junk`],
    ['the right token then a second token', `Bearer ${TOKEN} ${TOKEN}`],
    ['the right token then a comma', `Bearer ${TOKEN}, x`],
  ])('%s → 401 unauthorized, nothing stored', async (_name, authorization) => {
    const res = await put(authorization);
    expect(res.status).toBe(401);
    expect((await problemOf(res)).type).toBe('urn:backprop:problem:unauthorized');
    expect(models.get('pinned')).toBeUndefined();
  });

  it('no header → 401 asking for one, with WWW-Authenticate; another scheme → 401; a wrong token → 403', async () => {
    const none = await fetch(`${srv.url}/v1/models/pinned`, { method: 'DELETE' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="backprop-admin"');
    expect(String((await problemOf(none)).detail)).toBe('this route needs an Authorization: Bearer <token> header');
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', `Bearer\t${TOKEN}`, `xBearer ${TOKEN}`]) {
      const res = await put(authorization);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="backprop-admin"');
      expect(String((await problemOf(res)).detail)).toBe('Authorization header: expected "Bearer <token>"');
    }
    for (const wrong of ['nope', `${TOKEN}x`, TOKEN.slice(1), TOKEN.toUpperCase()]) {
      const res = await put(`Bearer ${wrong}`);
      expect(res.status).toBe(403);
      const doc = await problemOf(res);
      expect(doc.type).toBe('urn:backprop:problem:forbidden');
      expect(String(doc.detail)).toBe('the bearer token does not match the admin token');
      expect(res.headers.get('www-authenticate')).toBeNull();
    }
    expect(models.get('pinned')).toBeUndefined();
  });

  it('the scheme is case-insensitive and may be followed by several spaces', async () => {
    const res = await put(`bearer   ${TOKEN}`);
    expect(res.status).toBeLessThan(300);
    models.remove('pinned');
  });

  it('the right token alone is accepted (the trailing spaces are trimmed on the way, as HTTP parsers do)', async () => {
    const res = await put(`Bearer ${TOKEN}  `);
    expect(res.status).toBeLessThan(300);
    expect(models.get('pinned')).toBeDefined();
  });
});
