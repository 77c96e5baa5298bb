import { BackpropError } from '@backprop/nn';
import type { Logger } from 'pino';
import type { ModelRegistry, SharedOutcome } from './registry.js';

/**
 * A model store that several server replicas share (`--models redis://…`, the queue package's RedisModelStore):
 * documents by name, and a notice naming the model whenever any replica puts or deletes one.
 */
export interface SharedModelStore {
  /** Where it is, for messages (never with a password). */
  readonly where: string;
  /** Every document by name; one longer than `maxBytes` is an error (code ERR_MODEL_DOCUMENT_TOO_LARGE) instead. */
  all(maxBytes: number): Promise<Map<string, string | Error>>;
  /** One document, null when absent; longer than `maxBytes`: rejects with code ERR_MODEL_DOCUMENT_TOO_LARGE, unread. */
  get(name: string, maxBytes: number): Promise<string | null>;
  put(name: string, text: string): Promise<void>;
  delete(name: string): Promise<boolean>;
  /** `changed(name)` on every notice; `resubscribed()` whenever the subscription is back after a drop. */
  watch(changed: (name: string) => void, resubscribed: () => void): Promise<void>;
  /** True once close() was called: nothing more is read. */
  readonly closed: boolean;
  close(): Promise<void>;
}

/**
 * Opens the Redis model store. The queue package (bullmq, ioredis) is loaded only here, so a server that keeps its
 * models in a directory needs none of it; where it is absent, a one-line error says what to install.
 */
export async function openSharedModels(url: string): Promise<SharedModelStore> {
  let queue: typeof import('@backprop/queue');
  try {
    queue = await import('@backprop/queue');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new BackpropError('ERR_QUEUE_MISSING', '--models redis://… needs the @backprop/queue package (ioredis): npm install @backprop/queue', { cause: err });
    }
    throw err;
  }
  return queue.RedisModelStore.open(url);
}

/** How a failed read of the shared store is retried: after 100 ms, doubling up to every 5 s, until it succeeds. */
const SHARED_READ_RETRY = { firstMs: 100, maxMs: 5_000 };

/**
 * Keeps the registry equal to the shared store, by one rule: a notice re-reads the model it names, and the whole set
 * is re-read at start and whenever the subscription comes back (notices sent meanwhile are lost; Redis may have
 * restarted empty). A failed read is retried with backoff; a read asked for while one of the same runs is done once
 * more after it. Each model is validated (and bounded by the upload limit) before it is swapped in: a bad one is
 * logged and the served model stays. Resolves once the current set is loaded (a replica started later serves what
 * the others serve).
 */
export async function followSharedModels(registry: ModelRegistry, store: SharedModelStore, logger: Logger): Promise<void> {
  const where = { store: store.where };
  const report = (o: SharedOutcome): void => {
    // the same default on every replica: the registry's rule (`default`, else the first by name) on the same set
    if ('entry' in o) logger.info({ model: o.name, checksum: o.entry.checksum, ...where }, 'shared model loaded');
    else if ('removed' in o) logger.info({ model: o.name, ...where }, 'shared model removed');
    else if ('refused' in o) logger.error({ model: o.name, ...where, err: o.refused.message }, 'shared model refused; the served model stays');
  };
  const rereads = new Rereads(store, (key, err, retryInMs) =>
    logger.error({ ...(key === ALL ? {} : { model: key }), ...where, err: err.message, retryInMs }, key === ALL ? 'cannot read the shared models; retrying' : 'cannot read a shared model; retrying'),
  );
  const syncAll = async (): Promise<void> => {
    for (const o of await registry.syncShared()) report(o);
  };
  await store.watch(
    (name) => rereads.request(name, async () => report(await registry.readShared(name))),
    () => rereads.request(ALL, syncAll),
  );
  await syncAll();
  if (registry.size === 0) logger.warn(where, 'the shared model store is empty; /readyz stays 503 until a model is uploaded');
}

const ALL = '*'; // not a model name

/**
 * Reads by key, one at a time per key: asked again while one runs, it runs once more after (the running read may
 * predate the change); failed, it runs again after a backoff delay. Stops when the store is closed.
 */
class Rereads {
  private readonly state = new Map<string, 'running' | 'again'>();

  constructor(
    private readonly store: SharedModelStore,
    private readonly failed: (key: string, err: Error, retryInMs: number) => void,
  ) {}

  request(key: string, read: () => Promise<void>): void {
    if (this.state.has(key)) {
      this.state.set(key, 'again');
      return;
    }
    this.state.set(key, 'running');
    void this.run(key, read);
  }

  private async run(key: string, read: () => Promise<void>): Promise<void> {
    let delay = SHARED_READ_RETRY.firstMs;
    while (!this.store.closed) {
      try {
        await read();
        delay = SHARED_READ_RETRY.firstMs;
        if (this.state.get(key) !== 'again') break;
      } catch (err) {
        if (this.store.closed) break;
        this.failed(key, err as Error, delay);
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
        delay = Math.min(delay * 2, SHARED_READ_RETRY.maxMs);
      }
      this.state.set(key, 'running');
    }
    this.state.delete(key);
  }
}
