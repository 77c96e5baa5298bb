import type { Redis } from 'ioredis';
import { connect } from './connection.js';

/** The hash of model documents by name, and the channel that announces a change to one of them. */
const MODELS_KEY = 'backprop:models';
const CHANGED_CHANNEL = 'backprop:models:changed';

/**
 * Models that several server replicas share, kept in Redis: one hash field per model (the document as uploaded),
 * and a pub/sub message naming the model on every put or delete. A replica re-reads the named model when told, so
 * whatever order messages arrive in, every replica ends with the hash's current content.
 */
export class RedisModelStore {
  private subscriber?: Redis;

  private constructor(
    private readonly redis: Redis,
    /** The URL without its password, for logs. */
    readonly where: string,
  ) {}

  /**
   * Connects (QueueUnreachableError naming the URL when Redis does not answer). While Redis is away, reads and
   * writes fail at once instead of waiting for it (an upload is answered 503, never left hanging); the
   * subscription is renewed by ioredis when Redis is back.
   */
  static async open(url: string): Promise<RedisModelStore> {
    const { redis, location } = await connect(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 5_000 });
    return new RedisModelStore(redis, location.shown);
  }

  /** Every stored model document, by name. */
  async all(): Promise<Map<string, string>> {
    return new Map(Object.entries(await this.redis.hgetall(MODELS_KEY)));
  }

  /** One model document, or null when there is none of that name. */
  get(name: string): Promise<string | null> {
    return this.redis.hget(MODELS_KEY, name);
  }

  /** Stores a (validated) model document and tells every replica. */
  async put(name: string, text: string): Promise<void> {
    await this.redis.multi().hset(MODELS_KEY, name, text).publish(CHANGED_CHANNEL, name).exec();
  }

  /** Deletes a model and tells every replica; false when there was none. */
  async delete(name: string): Promise<boolean> {
    const result = await this.redis.multi().hdel(MODELS_KEY, name).publish(CHANGED_CHANNEL, name).exec();
    return Number(result?.[0]?.[1] ?? 0) > 0;
  }

  /** Calls `listener(name)` for every put or delete by any replica (this one included) from now on. */
  async watch(listener: (name: string) => void): Promise<void> {
    const sub = this.subscriber ?? this.redis.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
    this.subscriber = sub;
    sub.on('error', () => undefined); // ioredis reconnects and resubscribes on its own
    sub.on('message', (channel: string, name: string) => {
      if (channel === CHANGED_CHANNEL) listener(name);
    });
    await sub.subscribe(CHANGED_CHANNEL);
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    this.redis.disconnect();
  }
}
