import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';

describe('readConfig (main.ts options)', () => {
  it('defaults: port 8080 on 127.0.0.1, admin off, info logs', () => {
    const c = readConfig([], {});
    expect(c.options).toEqual({ port: 8080, host: '127.0.0.1' });
    expect(c.logLevel).toBe('info');
    expect(c.help).toBe(false);
  });

  it('flags win over the environment; the admin token only comes from the environment', () => {
    const env = { BACKPROP_PORT: '9000', BACKPROP_MODEL: '/env/model.json', BACKPROP_ADMIN_TOKEN: 'secret-token-xyz', BACKPROP_LOG_LEVEL: 'warn' };
    const c = readConfig(['--port', '0', '--model', '/flag/dir', '--host', '0.0.0.0', '--max-batch', '500', '--body-limit', '4mb', '--shutdown-timeout', '2000'], env);
    expect(c.options).toEqual({
      port: 0,
      host: '0.0.0.0',
      modelPath: '/flag/dir',
      maxBatchRows: 500,
      bodyLimit: '4mb',
      timeouts: { shutdownTimeoutMs: 2000 },
      adminToken: 'secret-token-xyz',
    });
    expect(c.logLevel).toBe('warn');
    expect(readConfig([], env).options).toMatchObject({ port: 9000, modelPath: '/env/model.json' });
    expect(readConfig([], { PORT: '3000' }).options.port).toBe(3000);
  });

  it('bad values are typed errors naming the option, the expected and the received', () => {
    expect(() => readConfig(['--port=-1'], {})).toThrow(/--port: expected an integer from 0 to 65535, got "-1"/);
    expect(() => readConfig(['--port', '65536'], {})).toThrow(/--port: expected an integer from 0 to 65535, got "65536"/);
    expect(() => readConfig(['--max-batch', '0'], {})).toThrow(/--max-batch: expected an integer from 1/);
    expect(() => readConfig(['--log-level', 'loud'], {})).toThrow(/--log-level: expected one of .*info.*, got "loud"/);
    expect(() => readConfig(['--frobnicate'], {})).toThrow(/frobnicate/);
    expect(() => readConfig(['extra'], {})).toThrow(/extra/);
    try {
      readConfig(['--port', 'x'], {});
    } catch (err) {
      expect((err as { code: string }).code).toBe('ERR_INVALID_ARGUMENT');
    }
  });

  it('--help', () => {
    expect(readConfig(['-h'], {}).help).toBe(true);
  });
});
