import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { saveModel, thetaChecksum } from '@backprop/nn';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/server.js';
import { fixtureModel, postJson, silentLogger, tempDir } from './helpers.js';

const quiet = { logger: silentLogger(), port: 0 };

describe('startServer with --model', () => {
  it('a file: served under its base name, which is also the default model', async () => {
    const dir = tempDir('bp-start-');
    const model = fixtureModel({ seed: 41 });
    saveModel(join(dir, 'mnist-v1.json'), model);
    const srv = await startServer({ ...quiet, modelPath: join(dir, 'mnist-v1.json') });
    try {
      expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await srv.ready;
      const list = (await (await fetch(`${srv.url}/v1/models`)).json()) as { default: string; models: { name: string }[] };
      expect(list.default).toBe('mnist-v1');
      const res = await postJson(`${srv.url}/v1/predict`, { pixels: Array(400).fill(0.2) });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { checksum: string }).checksum).toBe(thetaChecksum(model.theta));
      expect((await fetch(`${srv.url}/readyz`)).status).toBe(200);
    } finally {
      await srv.close();
    }
  });

  it('a directory: every valid <name>.json is served, a corrupt one is skipped and counted', async () => {
    const dir = tempDir('bp-start-dir-');
    saveModel(join(dir, 'alpha.json'), fixtureModel({ seed: 42 }));
    saveModel(join(dir, 'default.json'), fixtureModel({ seed: 43 }));
    writeFileSync(join(dir, 'broken.json'), '{"format":"backprop-model"');
    writeFileSync(join(dir, 'notes.txt'), 'not a model');
    const srv = await startServer({ ...quiet, modelPath: dir });
    try {
      const list = (await (await fetch(`${srv.url}/v1/models`)).json()) as { default: string; models: { name: string }[] };
      expect(list.models.map((m) => m.name)).toEqual(['alpha', 'default']);
      expect(list.default).toBe('default');
      const metrics = await (await fetch(`${srv.url}/metrics`)).text();
      expect(metrics).toMatch(/backprop_model_load_errors_total\{model="broken"\} 1/);
      expect(metrics).toMatch(/backprop_process_cpu_user_seconds_total/); // process metrics are on in startServer
    } finally {
      await srv.close();
    }
  });

  it('a directory without a default.json: the first model (by name) is the default', async () => {
    const dir = tempDir('bp-start-dir2-');
    saveModel(join(dir, 'zeta.json'), fixtureModel({ seed: 44 }));
    saveModel(join(dir, 'beta.json'), fixtureModel({ seed: 45 }));
    const srv = await startServer({ ...quiet, modelPath: dir });
    try {
      const d = (await (await fetch(`${srv.url}/v1/models/default`)).json()) as { name: string };
      expect(d.name).toBe('beta');
    } finally {
      await srv.close();
    }
  });

  it('deleting the default model hands the default on to the first model by name, for predict and /readyz alike', async () => {
    const dir = tempDir('bp-start-dir3-');
    const models = { default: fixtureModel({ seed: 46 }), relu: fixtureModel({ seed: 47 }), dup: fixtureModel({ seed: 48 }) };
    for (const [name, model] of Object.entries(models)) saveModel(join(dir, `${name}.json`), model);
    const token = 'start-server-test-token-123456';
    const srv = await startServer({ ...quiet, modelPath: dir, adminToken: token });
    try {
      const gone = await fetch(`${srv.url}/v1/models/default`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
      expect(gone.status).toBe(204);
      // "dup" < "relu": the first of the two left, by name
      expect(await (await fetch(`${srv.url}/readyz`)).json()).toEqual({ status: 'ready', models: 2, default: 'dup' });
      const res = await postJson(`${srv.url}/v1/predict`, { pixels: Array(400).fill(0.2) });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ model: 'dup', checksum: thetaChecksum(models.dup.theta) });
      const list = (await (await fetch(`${srv.url}/v1/models`)).json()) as { default: string; models: { name: string; default: boolean }[] };
      expect(list.default).toBe('dup');
      expect(list.models.filter((m) => m.default).map((m) => m.name)).toEqual(['dup']);
    } finally {
      await srv.close();
    }
  });

  it('a missing path, a corrupt file or a bad port are rejected with typed errors', async () => {
    await expect(startServer({ ...quiet, modelPath: '/nonexistent/model.json' })).rejects.toThrow(/model: cannot read \/nonexistent\/model.json: ENOENT/);
    const dir = tempDir('bp-start-bad-');
    writeFileSync(join(dir, 'm.json'), 'nope');
    await expect(startServer({ ...quiet, modelPath: join(dir, 'm.json') })).rejects.toMatchObject({ code: 'ERR_MODEL_FORMAT' });
    await expect(startServer({ ...quiet, port: 70000 })).rejects.toThrow(/port: expected an integer from 0 to 65535, got 70000/);
    await expect(startServer({ ...quiet, port: 1.5 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('a port in use is reported', async () => {
    const dir = tempDir('bp-start-port-');
    saveModel(join(dir, 'm.json'), fixtureModel());
    const a = await startServer({ ...quiet, modelPath: join(dir, 'm.json') });
    try {
      const port = Number(new URL(a.url).port);
      await expect(startServer({ ...quiet, port, modelPath: join(dir, 'm.json') })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await a.close();
    }
  });
});

describe('connection limits and close()', () => {
  it('a client that never finishes its headers is cut off (slow-loris bound by headersTimeout)', async () => {
    const dir = tempDir('bp-loris-');
    saveModel(join(dir, 'm.json'), fixtureModel());
    const srv = await startServer({ ...quiet, modelPath: join(dir, 'm.json'), timeouts: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
    try {
      const { port } = new URL(srv.url);
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'));
        let data = '';
        socket.on('data', (d) => (data += d.toString()));
        socket.on('close', () => resolve(data));
        socket.on('error', reject);
      });
      expect(reply).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await srv.close();
    }
  });

  it('close() lets an in-flight request finish, then resolves with the port closed', async () => {
    const dir = tempDir('bp-close-');
    saveModel(join(dir, 'm.json'), fixtureModel());
    const srv = await startServer({ ...quiet, modelPath: join(dir, 'm.json') });
    const { port } = new URL(srv.url);
    const events: string[] = [];
    // An in-flight request: headers and part of the body now, the rest after close() has been called.
    const body = JSON.stringify({ pixels: Array(400).fill(0.5) });
    const socket = connect(Number(port), '127.0.0.1');
    let raw = '';
    socket.on('data', (d) => (raw += d.toString()));
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      `POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 100)}`,
    );
    await new Promise((r) => setTimeout(r, 100));
    const closed = srv.close().then(() => events.push('closed'));
    await new Promise((r) => setTimeout(r, 200));
    events.push('body sent');
    socket.write(body.slice(100));
    await ended;
    await closed;
    // close() was still waiting when the rest of the body arrived, and the request got its full answer.
    expect(events).toEqual(['body sent', 'closed']);
    expect(raw).toMatch(/^HTTP\/1\.1 200/);
    expect(raw.toLowerCase()).toContain('connection: close');
    expect(raw).toContain('"predictions"');
    expect(srv.forced).toBe(false);
    await expect(fetch(`${srv.url}/healthz`)).rejects.toThrow();
  });

  it('close() drops a request that is still stuck at the shutdown timeout, and says so (forced)', async () => {
    const dir = tempDir('bp-close-forced-');
    saveModel(join(dir, 'm.json'), fixtureModel());
    const srv = await startServer({ ...quiet, modelPath: join(dir, 'm.json'), timeouts: { shutdownTimeoutMs: 200, requestTimeoutMs: 60_000 } });
    const socket = connect(Number(new URL(srv.url).port), '127.0.0.1');
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.write('POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"pix');
    await new Promise((r) => setTimeout(r, 100));
    await srv.close(); // never sends the rest: only the timeout can end this
    expect(srv.forced).toBe(true);
    await ended;
  });
});
