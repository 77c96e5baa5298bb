import { ImageError } from './errors.js';
import { imageToInput as convert, PreprocessError, type InputShape, type PreprocessOptions } from './preprocess.js';

/**
 * The library's face of preprocess.ts's `imageToInput` (see there for the steps): the same conversion, with its
 * errors rethrown as ImageError so callers catch one BackpropError family. (preprocess.ts cannot import ImageError:
 * it must stay import-free for the browser.)
 */
export function imageToInput(
  gray: ArrayLike<number>,
  width: number,
  height: number,
  inputShape: InputShape,
  options?: PreprocessOptions,
): Float64Array {
  try {
    return convert(gray, width, height, inputShape, options);
  } catch (err) {
    if (err instanceof PreprocessError) throw new ImageError(err.message);
    throw err;
  }
}
