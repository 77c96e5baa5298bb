import { BackpropError } from '@backprop/nn';
import type { Logger } from 'pino';
import type { ModelRegistry } from './registry.js';

/**
 * A model store that several server replicas share (`--models redis://…`, the queue package's RedisModelStore):
 * documents by name, and a notice naming the model whenever any replica puts or deletes one.
 */
export interface SharedModelStore {
  /** Where it is, for messages (never with a password). */
  readonly where: string;
  all(): Promise<Map<string, string>>;
  get(name: string): Promise<string | null>;
  put(name: string, text: string): Promise<void>;
  delete(name: string): Promise<boolean>;
  watch(listener: (name: string) => void): Promise<void>;
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

/**
 * Keeps the registry equal to the shared store: listens first, then loads the current set (a replica started later
 * serves what the others serve), then applies every change another replica announces, each model validated before
 * it is swapped in (a bad one is logged and the served model stays). Resolves once the current set is loaded.
 */
export async function followSharedModels(registry: ModelRegistry, store: SharedModelStore, logger: Logger): Promise<void> {
  const apply = (name: string, text: string | null): void => {
    try {
      // the same default on every replica: the registry's rule (`default`, else the first by name) on the same set
      const entry = registry.applyShared(name, text);
      logger.info({ model: name, checksum: entry?.checksum, store: store.where }, entry ? 'shared model loaded' : 'shared model removed');
    } catch (err) {
      logger.error({ model: name, store: store.where, err: (err as Error).message }, 'shared model failed validation; the served model stays');
    }
  };
  await store.watch((name) => {
    store.get(name).then(
      (text) => apply(name, text),
      (err: Error) => logger.error({ model: name, store: store.where, err: err.message }, 'cannot read a shared model'),
    );
  });
  for (const [name, text] of await store.all()) apply(name, text);
  if (registry.size === 0) logger.warn({ store: store.where }, 'the shared model store is empty; /readyz stays 503 until a model is uploaded');
}
