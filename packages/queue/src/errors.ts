import { BackpropError } from '@backprop/nn';

/** Redis could not be reached (or refused us) at the given URL; the message names it without its password. */
export class QueueUnreachableError extends BackpropError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_QUEUE_UNREACHABLE', message, options);
  }
}

/** A queue URL that is not `redis://[:password@]host[:port][/db]` (or `rediss://`). */
export class QueueUrlError extends BackpropError {
  constructor(message: string) {
    super('ERR_QUEUE_URL', message);
  }
}

/** A job payload that does not match the training job schema; such a job fails with this message, never runs. */
export class JobPayloadError extends BackpropError {
  constructor(message: string) {
    super('ERR_JOB_PAYLOAD', message);
  }
}

/** `--resume`/`--cancel` of a sweep id the queue does not know, or a resume whose settings differ from the sweep's. */
export class SweepStateError extends BackpropError {
  constructor(message: string) {
    super('ERR_SWEEP_STATE', message);
  }
}

/** `--resume`/`--cancel` of a sweep id whose record the queue at `url` does not hold (the URL shown without its password). */
export function unknownSweepError(url: string, sweep: string): SweepStateError {
  const shown = url.replace(/\/\/[^@/]*@/, '//');
  return new SweepStateError(`the queue at ${shown} knows no sweep ${sweep} (finished more than 7 days ago, cancelled, or never submitted there)`);
}
