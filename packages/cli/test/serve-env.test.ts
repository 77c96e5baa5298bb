// `backprop serve` reads --port and --host as the server's own main does: the option, else BACKPROP_PORT then PORT
// (BACKPROP_HOST), else 8080 (127.0.0.1). It used to take commander's defaults, which always won over the variables.
// The port asked for comes from the kernel (freePort), and a bad value's message from the server's own main.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, ex4Model, freePort, oneLineError, ROOT, serveJson } from './helpers.js';

let model: string;
beforeAll(() => {
  ensureBuilt();
  model = ex4Model().path;
});

/** No listen variable from the test's own environment (an empty one counts as unset). */
const CLEAN = { BACKPROP_PORT: '', PORT: '', BACKPROP_HOST: '', BACKPROP_LOG_LEVEL: 'silent' };

/** `backprop serve --json …`: the URL it prints once it listens, which must answer; the server is then stopped (SIGTERM, exit 0). */
async function servedUrl(args: string[], env: Record<string, string>): Promise<string> {
  const { url, stop } = await serveJson(['--model', model, ...args], { ...CLEAN, ...env });
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  expect(await stop()).toBe(0);
  return url;
}

describe('serve: the listen variables, as the server reads them', () => {
  it('BACKPROP_PORT sets the port when --port is not given', async () => {
    const port = await freePort();
    expect(await servedUrl([], { BACKPROP_PORT: String(port) })).toBe(`http://127.0.0.1:${port}`);
  });

  it('PORT too, and BACKPROP_PORT wins over it', async () => {
    const port = await freePort();
    expect(await servedUrl([], { PORT: String(port) })).toBe(`http://127.0.0.1:${port}`);
    const other = await freePort();
    expect(await servedUrl([], { BACKPROP_PORT: String(other), PORT: String(port) })).toBe(`http://127.0.0.1:${other}`);
  });

  it('--port wins over the variables', async () => {
    const port = await freePort();
    const ignored = await freePort();
    expect(await servedUrl(['--port', String(port)], { BACKPROP_PORT: String(ignored), PORT: String(ignored) })).toBe(`http://127.0.0.1:${port}`);
  });

  it('BACKPROP_HOST sets the interface when --host is not given; --host wins over it', async () => {
    // any 127.x.y.z is loopback on Linux, so 127.0.0.2 is an interface this machine listens on
    expect(await servedUrl(['--port', '0'], { BACKPROP_HOST: '127.0.0.2' })).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
    expect(await servedUrl(['--port', '0', '--host', '127.0.0.1'], { BACKPROP_HOST: '127.0.0.2' })).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('a bad BACKPROP_PORT or BACKPROP_HOST: one line, exit 2, the same message as the server’s main, before the model', () => {
    const main = join(ROOT, 'packages/server/dist/main.js');
    for (const env of [{ BACKPROP_PORT: 'http' }, { PORT: '70000' }, { BACKPROP_HOST: 'bad host' }]) {
      const r = cli(['serve', '--model', '/nonexistent/backprop-model-dir'], { env: { ...CLEAN, ...env } });
      const server = spawnSync(process.execPath, [main, '--model', '/nonexistent/backprop-model-dir'], {
        env: { ...process.env, ...CLEAN, ...env },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(server.status).toBe(2);
      const reason = server.stderr.split('\n')[0].replace(/^backprop server: /, '');
      expect(reason).toMatch(/^--(port|host): /);
      expect(r.code, JSON.stringify(env)).toBe(2);
      expect(oneLineError(r)).toBe(`backprop: error: ${reason}`);
      expect(r.stdout + r.stderr).not.toMatch(/nonexistent/);
    }
  });
});
