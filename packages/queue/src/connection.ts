import { Redis, type RedisOptions } from 'ioredis';
import { QueueUnreachableError } from './errors.js';
import { parseRedisUrl, type RedisLocation } from './redis-url.js';

/** How long the first connection may take before the URL is reported unreachable. */
const CONNECT_TIMEOUT_MS = 5_000;

/** A connected Redis client and the URL it may be called by in messages. */
export interface Connection {
  redis: Redis;
  location: RedisLocation;
}

/**
 * Connects to the queue URL and checks it answers PING. Fails fast with QueueUnreachableError naming the URL (never
 * the password) instead of retrying forever; once connected, ioredis reconnects on its own after a drop. The
 * default options suit BullMQ's blocking connections (`maxRetriesPerRequest: null`); `extra` overrides them.
 */
export async function connect(url: string, extra: RedisOptions = {}): Promise<Connection> {
  const location = parseRedisUrl(url);
  let connected = false;
  const redis = new Redis({
    ...location.options,
    lazyConnect: true,
    maxRetriesPerRequest: null,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // no retries before the first connection (the URL is wrong or Redis is down: say so now); then ioredis's own
    retryStrategy: (times) => (connected ? Math.min(times * 100, 2_000) : null),
    ...extra,
  });
  // The socket's error (ECONNREFUSED, ENOTFOUND…) says more than connect()'s "Connection is closed"; after the
  // first connection, errors are ioredis's to retry.
  let socketError: NodeJS.ErrnoException | undefined;
  redis.on('error', (err: NodeJS.ErrnoException) => (socketError ??= err));
  try {
    await redis.connect();
    await redis.ping();
    connected = true;
  } catch (err) {
    // a refused connection has ended already: disconnecting it again would leave ioredis's 2 s close timer running
    if (redis.status !== 'end') redis.disconnect();
    const cause = socketError ?? (err as NodeJS.ErrnoException);
    const why = cause.code ?? cause.message;
    throw new QueueUnreachableError(`cannot reach Redis at ${location.shown}: ${oneLine(why)}`, { cause: err });
  }
  return { redis, location };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
