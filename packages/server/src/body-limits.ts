import { InvalidArgumentError, parseBytes, type Model } from '@backprop/nn';

/**
 * How large and how deep a valid request body can be, per route. Each limit is the largest valid request plus
 * nothing: a body past it is refused while it arrives (413 at the first byte over, 400 at the first bracket too
 * deep), before it is parsed.
 */

/**
 * Bytes one input number takes at most in a request: the longest number JSON.stringify prints
 * (`-2.2250738585072014e-308`, 24 characters) and its comma.
 */
export const BYTES_PER_NUMBER = 25;

/** `{"inputs": [[…], …]}`: an object, the batch, a row. `{"pixels": […]}` is 2. */
export const PREDICT_DEPTH = 3;

/**
 * A model document is an object whose `training` record modelFromJson accepts up to 32 levels deep
 * (MAX_TRAINING_DEPTH in @backprop/nn's model.ts): 1 + 32.
 */
export const MODEL_DOCUMENT_DEPTH = 33;

/**
 * The largest model document an admin may upload when no --body-limit is set: 48 MiB, about 1.9 million
 * parameters printed in full precision (e.g. a 784-2000-10 network has 1.59 million).
 */
export const DEFAULT_MODEL_BODY_LIMIT = 48 * 1024 * 1024;

/**
 * The largest valid predict body for `model`: `maxRows` rows of its inputs, every number printed in full, plus
 * the brackets and commas between rows and the enclosing `{"inputs":[…]}` (64 bytes is room for it and a little
 * whitespace). For the digits network and 10,000 rows: 100,000,064 + 30,000 bytes.
 */
export function predictBodyLimit(model: Pick<Model, 'layers'>, maxRows: number): number {
  return 64 + maxRows * (model.layers[0] * BYTES_PER_NUMBER + 3);
}

/** A byte count, or a size like '16mb' / '256kb' (nn's parseBytes: powers of 1024, as express.json reads them) → bytes. */
export function byteSize(limit: string | number, name = 'bodyLimit'): number {
  if (typeof limit === 'number' && Number.isSafeInteger(limit) && limit > 0) return limit;
  const bytes = typeof limit === 'string' ? parseBytes(limit) : undefined;
  if (bytes === undefined) {
    throw new InvalidArgumentError(`${name}: expected a byte count or a size like '16mb', got ${JSON.stringify(limit)}`);
  }
  return bytes;
}
