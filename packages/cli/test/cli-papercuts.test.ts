import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt } from './helpers.js';

// Papercuts a new-user review found in the command line: each test runs the built CLI as a user would.

beforeAll(() => ensureBuilt());

/** A loopback port nothing listens on: bind port 0, read it, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');

describe('sweep --queue: nothing is claimed before Redis answers', () => {
  it('an unreachable Redis is one line naming the URL without its password and the reason in words; no plan, no "queued"', async () => {
    const port = await closedPort();
    const r = cli(['sweep', '--queue', `redis://:s3cret@127.0.0.1:${port}`, '--lambda', '1', '--hidden', '8', '--maxfun', '5']);
    expect(r.code, r.stderr).toBe(1);
    expect(lines(r.stderr)).toEqual([`backprop: error: cannot reach Redis at redis://127.0.0.1:${port}: connection refused (is Redis running there?)`]);
    expect(r.stdout).toBe('');
  });

  it('a URL that is not redis:// is a usage error (exit 2) naming --queue, before the plan is printed', () => {
    const r = cli(['sweep', '--queue', 'http://x', '--lambda', '1', '--hidden', '8']);
    expect(r.code, r.stderr).toBe(2);
    expect(lines(r.stderr)).toEqual(['backprop: error: --queue: expected a redis:// or rediss:// URL, got "http://x"']);
  });

  it('--cancel with a URL that is not redis:// is the same usage error', () => {
    const r = cli(['sweep', '--queue', 'http://u:pw@x', '--cancel', 'abc']);
    expect(r.code, r.stderr).toBe(2);
    expect(lines(r.stderr)).toEqual(['backprop: error: --queue: expected a redis:// or rediss:// URL, got "http://x"']);
  });
});
