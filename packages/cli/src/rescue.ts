import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackpropError, saveModel, type Model } from '@backprop/nn';
import { reasonOf } from './error-message.js';

/** The trained model could not be written where it was asked for; the message names where it was kept. */
export class ModelNotSavedError extends BackpropError {
  /** where the parameters were saved instead (undefined: nowhere) */
  readonly fallback?: string;
  constructor(message: string, fallback: string | undefined, options?: { cause?: unknown }) {
    super('ERR_MODEL_NOT_SAVED', message, options);
    this.fallback = fallback;
  }
}

/**
 * A finished training is never lost: when the model could not be written where it was asked for (`error`: disk
 * full, read-only …), it is saved under the system's temporary folder and the error returned says where.
 */
export function rescueModel(model: Model, error: unknown): ModelNotSavedError {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const fallback = join(tmpdir(), `backprop-model-${stamp}-${process.pid}.json`);
  const what = `the trained model could not be saved (${reasonOf(error)})`;
  try {
    saveModel(fallback, model);
  } catch (err) {
    return new ModelNotSavedError(`${what}, nor saved to ${fallback} (${reasonOf(err)}): it is lost`, undefined, { cause: error });
  }
  return new ModelNotSavedError(`${what}; it was saved to ${fallback} instead`, fallback, { cause: error });
}
