import { BackpropError } from '@backprop/nn';

export type QueuePackage = typeof import('@backprop/queue');

/** What to install where the optional queue package is absent. */
const MISSING = 'the Redis queue needs the @backprop/queue package (bullmq, ioredis): npm install @backprop/queue';

/**
 * @backprop/queue, loaded only by `--queue`, `worker` and `--models redis://`: users who never use Redis need
 * nothing new installed. A missing package is a one-line error saying what to install.
 */
export async function loadQueue(): Promise<QueuePackage> {
  try {
    return await import('@backprop/queue');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND' && /@backprop\/queue|bullmq|ioredis/.test(e.message)) {
      throw new BackpropError('ERR_QUEUE_MISSING', MISSING, { cause: err });
    }
    throw err;
  }
}
