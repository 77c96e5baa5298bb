import { BackpropError } from '@backprop/nn';
import type { Redis } from 'ioredis';
import { connect } from './connection.js';

/** The hash of model documents by name, and the channel that announces a change to one of them. */
const MODELS_KEY = 'backprop:models';
const CHANGED_CHANNEL = 'backprop:models:changed';

/** A stored model document longer than the reader accepts: it was not fetched. `bytes` is its length in Redis. */
export class ModelDocumentTooLargeError extends BackpropError {
  constructor(
    message: string,
    readonly bytes: number,
  ) {
    super('ERR_MODEL_DOCUMENT_TOO_LARGE', message);
  }
}

/** One field when it is at most ARGV[2] bytes long (HSTRLEN first); else its length. A missing field is nil. */
const GET_BOUNDED = `
local len = redis.call('HSTRLEN', KEYS[1], ARGV[1])
if len > tonumber(ARGV[2]) then return len end
return redis.call('HGET', KEYS[1], ARGV[1])`;

/** Every field as name, document (or, past ARGV[1] bytes, its length instead), in one atomic step. */
const ALL_BOUNDED = `
local out = {}
for _, name in ipairs(redis.call('HKEYS', KEYS[1])) do
  local len = redis.call('HSTRLEN', KEYS[1], name)
  out[#out + 1] = name
  if len > tonumber(ARGV[1]) then out[#out + 1] = len else out[#out + 1] = redis.call('HGET', KEYS[1], name) end
end
return out`;

/** A document, or the error saying it is too large (its length came back instead). */
function documentOf(name: string, reply: string | number, maxBytes: number): string | ModelDocumentTooLargeError {
  if (typeof reply === 'string') return reply;
  return new ModelDocumentTooLargeError(`the stored document of model ${JSON.stringify(name)} is ${reply} bytes, over the ${maxBytes}-byte limit of an upload; not read`, reply);
}

/**
 * Models that several server replicas share, kept in Redis: one hash field per model (the document as uploaded),
 * and a pub/sub message naming the model on every put or delete. A replica re-reads the named model when told, and
 * re-reads the whole set whenever its subscription (re)connects, so a notice lost while it was away — or a Redis
 * restarted empty — still ends with every replica holding the hash's current content. Reads are bounded: a document
 * longer than the caller's limit is measured (HSTRLEN), never fetched.
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

  /** Every stored model document by name; one over `maxBytes` is a ModelDocumentTooLargeError in its place. */
  async all(maxBytes: number): Promise<Map<string, string | ModelDocumentTooLargeError>> {
    const flat = (await this.redis.eval(ALL_BOUNDED, 1, MODELS_KEY, maxBytes)) as (string | number)[];
    const docs = new Map<string, string | ModelDocumentTooLargeError>();
    for (let i = 0; i < flat.length; i += 2) docs.set(String(flat[i]), documentOf(String(flat[i]), flat[i + 1]!, maxBytes));
    return docs;
  }

  /** One model document, or null when there is none of that name; ModelDocumentTooLargeError past `maxBytes`. */
  async get(name: string, maxBytes: number): Promise<string | null> {
    const reply = (await this.redis.eval(GET_BOUNDED, 1, MODELS_KEY, name, maxBytes)) as string | number | null;
    if (reply === null) return null;
    const doc = documentOf(name, reply, maxBytes);
    if (typeof doc !== 'string') throw doc;
    return doc;
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

  /**
   * Calls `changed(name)` for every put or delete by any replica (this one included) from now on, and
   * `resubscribed()` each time the subscription is back after a drop (notices may have been missed meanwhile).
   */
  async watch(changed: (name: string) => void, resubscribed: () => void): Promise<void> {
    const sub = this.subscriber ?? this.redis.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
    this.subscriber = sub;
    sub.on('error', () => undefined); // ioredis reconnects and resubscribes on its own
    sub.on('message', (channel: string, name: string) => {
      if (channel === CHANGED_CHANNEL) changed(name);
    });
    await sub.subscribe(CHANGED_CHANNEL);
    // ioredis has sent its own SUBSCRIBE when 'ready' fires again; ours is answered after it, so once it resolves
    // the subscription is live and a re-read of the set misses nothing announced from then on.
    sub.on('ready', () => {
      sub.subscribe(CHANGED_CHANNEL).then(resubscribed, () => undefined);
    });
  }

  get closed(): boolean {
    return this.redis.status === 'end';
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    this.redis.disconnect();
  }
}
