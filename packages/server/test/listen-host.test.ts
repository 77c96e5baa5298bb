// --host is checked before anything is loaded (found by a new user's review: `backprop serve --host 'bad host'`
// loaded the model, then failed `error: getaddrinfo ENOTFOUND bad host`, exit 1).
import { describe, expect, it } from 'vitest';
import { checkHost, readConfig, resolveHost } from '../src/config.js';

describe('checkHost', () => {
  it('takes IP addresses and host names', () => {
    for (const host of ['127.0.0.1', '0.0.0.0', '::', '::1', 'fe80::1', 'localhost', 'my-host.example.com', 'example.com.', 'a1']) {
      expect(checkHost(host)).toBe(host);
    }
  });

  it('refuses anything else, naming the option and the value', () => {
    for (const host of ['bad host', '[::1]', 'http://x', '', '-a', 'a-', 'a..b', 'a_b', `${'x'.repeat(64)}.com`, `${'a.'.repeat(127)}a`, '127.0.0.1:80']) {
      expect(() => checkHost(host), host).toThrow(
        `--host: expected an IP address or a host name (e.g. 127.0.0.1, ::, 0.0.0.0 or localhost), got ${JSON.stringify(host)}`,
      );
    }
  });

  it('readConfig checks --host and BACKPROP_HOST with the rest of the options', () => {
    expect(() => readConfig(['--host', 'bad host'], {})).toThrow(/^--host: expected an IP address/);
    expect(() => readConfig([], { BACKPROP_HOST: 'bad host' })).toThrow(/^--host: expected an IP address/);
  });

  it('resolveHost: a name that does not resolve (RFC 6761 .invalid) is an InvalidArgumentError, not a listen error', async () => {
    await expect(resolveHost('nothing.invalid')).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringMatching(/^--host: cannot resolve "nothing\.invalid"/),
    });
    await expect(resolveHost('127.0.0.1')).resolves.toBe('127.0.0.1');
  });
});
