// `backprop serve` and the server's main check every listen option before loading a model (found by a new user's
// review: --host 'bad host' loaded the model, then failed with getaddrinfo ENOTFOUND, exit 1). The model path given
// does not exist: had it been read first, its error would be the one reported.
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, oneLineError, ROOT } from './helpers.js';

beforeAll(() => ensureBuilt());

const MISSING_MODEL = '/nonexistent/backprop-model-dir';

describe('serve: listen options are checked first', () => {
  it('--host with a space: one usage line, exit 2, before the model is looked at', () => {
    const r = cli(['serve', '--host', 'bad host', '--model', MISSING_MODEL]);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe(
      'backprop: error: --host: expected an IP address or a host name (e.g. 127.0.0.1, ::, 0.0.0.0 or localhost), got "bad host"',
    );
    expect(r.stdout + r.stderr).not.toMatch(/ENOTFOUND|nonexistent/);
  });

  it('--host that does not resolve: one usage line, exit 2, before the model is looked at', () => {
    const r = cli(['serve', '--host', 'nothing.invalid', '--model', MISSING_MODEL]);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/^backprop: error: --host: cannot resolve "nothing\.invalid"/);
    expect(r.stdout + r.stderr).not.toMatch(/nonexistent/);
  });

  it('--port out of range: exit 2 too', () => {
    const r = cli(['serve', '--port', '70000', '--model', MISSING_MODEL]);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/--port/);
  });

  it('the server\'s own main: a bad --host is exit 2 with the usage, before the model', () => {
    const main = join(ROOT, 'packages/server/dist/main.js');
    for (const host of ['bad host', 'nothing.invalid']) {
      const r = spawnSync(process.execPath, [main, '--host', host, '--model', MISSING_MODEL], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(/^backprop server: --host: /);
      expect(r.stdout + r.stderr).not.toMatch(/nonexistent/);
    }
  });
});
