import type { RedisOptions } from 'ioredis';
import { QueueUrlError } from './errors.js';

/** A parsed queue URL: ioredis options, and the URL as it may be shown (no password). */
export interface RedisLocation {
  options: RedisOptions;
  shown: string;
}

/**
 * `redis://[[user]:password@]host[:port][/db]` or `rediss://…` (TLS) → connection options. The shown form drops
 * the credentials so that errors and logs never echo a password.
 */
export function parseRedisUrl(url: string): RedisLocation {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new QueueUrlError(`expected a Redis URL such as redis://127.0.0.1:6379/0, got ${JSON.stringify(redact(url))}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new QueueUrlError(`expected a redis:// or rediss:// URL, got ${JSON.stringify(redact(url))}`);
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const port = u.port === '' ? 6379 : Number(u.port);
  const path = u.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,2}$/.test(path)) throw new QueueUrlError(`the database in a Redis URL is a number from 0 to 99, got ${JSON.stringify(path)}`);
  const options: RedisOptions = { host, port, db: path === '' ? 0 : Number(path) };
  if (u.username) options.username = decodeURIComponent(u.username);
  if (u.password) options.password = decodeURIComponent(u.password);
  if (u.protocol === 'rediss:') options.tls = { servername: host };
  const shown = `${u.protocol}//${u.hostname}:${port}${path === '' ? '' : `/${path}`}`;
  return { options, shown };
}

/** A URL-ish text with anything between `//` and `@` removed (for messages about text that did not parse). */
function redact(text: string): string {
  return text.replace(/\/\/[^@/]*@/, '//');
}
