/**
 * What the request body reader's pin files share (body-reader-pins, body-reader-edges-pins): a POST to
 * /v1/predict with the exact headers given, the answer's problem checks, and a server whose predict route's
 * limit is 373 bytes (a 2x2-pixel model with at most 3 rows).
 */
import { request } from 'node:http';
import { expect } from 'vitest';
import { ModelRegistry } from '../src/registry.js';
import { fixtureModel, listen, tempDir, type TestServer } from './helpers.js';

export const LIMIT = 373;
export const TOO_LARGE = `the limit is ${LIMIT} bytes (3 inputs of 4 numbers)`;

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  doc: Record<string, unknown>;
}

/** POST `body` to /v1/predict with these headers (node:http adds a Content-Length unless the request is chunked). */
export function post(url: string, headers: Record<string, string>, body: Buffer | string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/predict`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, doc: JSON.parse(text) as Record<string, unknown> });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const json = (headers: Record<string, string> = {}): Record<string, string> => ({ 'content-type': 'application/json', ...headers });
export const sized = (body: Buffer | string, headers: Record<string, string> = {}): Record<string, string> =>
  json({ 'content-length': String(Buffer.byteLength(body)), ...headers });
export const VALID = JSON.stringify({ pixels: [0, 0.5, 1, 0] });

export function expectProblem(a: Answer, status: number, type: string, detail: string | RegExp): void {
  expect(a.status).toBe(status);
  expect(a.doc.type).toBe(`urn:backprop:problem:${type}`);
  if (typeof detail === 'string') expect(a.doc.detail).toBe(detail);
  else expect(String(a.doc.detail)).toMatch(detail);
}

/** The server both pin files run against. */
export function bodyPinsServer(): Promise<TestServer> {
  const models = new ModelRegistry({ dir: tempDir('bp-body-pins-') });
  models.set('default', fixtureModel({ layers: [4, 3, 2], seed: 41 }), { source: 'upload' });
  return listen({ models, maxBatchRows: 3 });
}
