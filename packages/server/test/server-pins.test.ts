/**
 * Pins found by mutation testing (issue 21): behaviour at the edges of input validation and admin auth that no
 * other test reached. Each case here failed on a one-line mutant of the code that should enforce it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { modelToJson } from '@backprop/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../src/registry.js';
import { fixtureModel, listen, postJson, problemOf, tempDir, type TestServer } from './helpers.js';

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

  it('a row of exactly 400 is still answered', async () => {
    const res = await postJson(`${srv.url}/v1/predict`, { inputs: [Array(400).fill(0), Array(400).fill(1)] });
    expect(res.status).toBe(200);
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

  it('the right token alone (trailing spaces allowed) is accepted', async () => {
    const res = await put(`Bearer ${TOKEN}  `);
    expect(res.status).toBeLessThan(300);
    expect(models.get('pinned')).toBeDefined();
  });
});
