import { BackpropError } from '@backprop/nn';

/** A model name that could escape the model directory or is otherwise not allowed. */
export class InvalidModelNameError extends BackpropError {
  constructor(message: string) {
    super('ERR_INVALID_MODEL_NAME', message);
  }
}

const MODEL_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

/**
 * Model names become file names (`<dir>/<name>.json`), so they are checked before any use: 1–64 characters,
 * letters, digits, '.', '_' and '-', starting with a letter or digit, and never containing '..'.
 */
export function checkModelName(name: unknown): string {
  if (typeof name !== 'string' || !isModelName(name)) {
    throw new InvalidModelNameError(
      `model name: expected 1-64 characters of letters, digits, '.', '_' or '-' starting with a letter or digit ` +
        `and without '..', got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

export function isModelName(name: string): boolean {
  return MODEL_NAME.test(name) && !name.includes('..');
}
