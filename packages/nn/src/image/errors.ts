import { BackpropError } from '../errors.js';

/** A picture could not be decoded, encoded or converted (not a PNG, too large, blank, wrong size …). */
export class ImageError extends BackpropError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_IMAGE', message, options);
  }
}
