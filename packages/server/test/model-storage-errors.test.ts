// Issue 18: a full or read-only model directory on admin PUT/DELETE is a 507 (ENOSPC) or 503 (EROFS) problem
// naming the cause, and the model that was serving keeps serving. Real file systems: a 64 KiB tmpfs, then the same
// mount remounted read-only — which needs root (mount); the tests are skipped with that reason otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelToJson, thetaChecksum } from '@backprop/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../src/registry.js';
import { fixtureModel, listen, problemOf, tempDir, type TestServer } from './helpers.js';

function run(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

const probe = tempDir('bp-mount-probe-');
const canMount = process.getuid?.() === 0 && run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]) && run('umount', [probe]);

const TOKEN = 'a-long-enough-admin-token';
const admin = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
const smallA = fixtureModel({ layers: [16, 4, 3], seed: 1 }); // ~2 kB as JSON
const smallB = fixtureModel({ layers: [16, 4, 3], seed: 2 });
const large = fixtureModel({ layers: [400, 25, 10], seed: 3 }); // ~200 kB as JSON: more than the tmpfs holds

describe.skipIf(!canMount)('model directory full or read-only (tmpfs mounts; needs root)', () => {
  let dir: string;
  let srv: TestServer;
  beforeAll(async () => {
    dir = tempDir('bp-models-tmpfs-');
    expect(run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir])).toBe(true);
    srv = await listen({ models: new ModelRegistry({ dir }), adminToken: TOKEN });
  });
  afterAll(async () => {
    await srv?.close();
    run('umount', [dir]);
  });

  const checksumOf = async (name: string) => ((await (await fetch(`${srv.url}/v1/models/${name}`)).json()) as { checksum: string }).checksum;

  it('disk full: PUT is a 507 naming ENOSPC and the path; the old model keeps serving, its file intact, no temp file left', async () => {
    expect((await fetch(`${srv.url}/v1/models/m`, { method: 'PUT', headers: admin, body: modelToJson(smallA) })).status).toBe(201);
    const res = await fetch(`${srv.url}/v1/models/m`, { method: 'PUT', headers: admin, body: modelToJson(large) });
    expect(res.status).toBe(507);
    const doc = await problemOf(res);
    expect(doc.type).toBe('urn:backprop:problem:insufficient-storage');
    expect(doc.errno).toBe('ENOSPC');
    expect(doc.detail).toBe(`cannot save model "m" to ${join(dir, 'm.json')} (the loaded model keeps serving): no space left on the device (ENOSPC)`);
    expect(await checksumOf('m')).toBe(thetaChecksum(smallA.theta));
    expect((JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as { checksum: string }).checksum).toBe(thetaChecksum(smallA.theta));
    expect(readdirSync(dir)).toEqual(['m.json']);
  });

  it('read-only: PUT and DELETE are 503 naming EROFS; the model keeps serving and its file stays', async () => {
    expect(run('mount', ['-o', 'remount,ro', dir])).toBe(true);
    const put = await fetch(`${srv.url}/v1/models/m`, { method: 'PUT', headers: admin, body: modelToJson(smallB) });
    expect(put.status).toBe(503);
    const putDoc = await problemOf(put);
    expect(putDoc.type).toBe('urn:backprop:problem:storage-unavailable');
    expect(putDoc.detail).toMatch(/cannot save model "m" to .*m\.json \(the loaded model keeps serving\): the file system is read-only \(EROFS\)$/);

    const del = await fetch(`${srv.url}/v1/models/m`, { method: 'DELETE', headers: admin });
    expect(del.status).toBe(503);
    expect((await problemOf(del)).detail).toMatch(/cannot delete .*m\.json, the file of model "m" \(it keeps serving\): the file system is read-only \(EROFS\)$/);
    expect(await checksumOf('m')).toBe(thetaChecksum(smallA.theta));
    expect(existsSync(join(dir, 'm.json'))).toBe(true);

    const fresh = await fetch(`${srv.url}/v1/models/n`, { method: 'PUT', headers: admin, body: modelToJson(smallB) });
    expect(fresh.status).toBe(503);
    expect((await problemOf(fresh)).detail).toMatch(/\(nothing was loaded\)/);
    expect((await fetch(`${srv.url}/v1/models/n`)).status).toBe(404);
  });
});

it.skipIf(canMount)('model directory full or read-only: skipped — mounting a tmpfs needs root', () => {
  expect(canMount).toBe(false);
});
