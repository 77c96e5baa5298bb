import { loadModel, type Model } from '@backprop/nn';
import { BUILTINS } from './dataset.js';

/** A model file, validated (ModelFormatError naming the path when missing, not JSON, or inconsistent). */
export function readModel(path: string): Model {
  return loadModel(path);
}

/** `--data` default for a model: the built-in set it was trained on, when it was one. */
export function defaultDataFor(model: Model): string | undefined {
  const name = model.training?.dataset.name;
  return name && (BUILTINS as readonly string[]).includes(name) ? `builtin:${name}` : undefined;
}
