import { statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InvalidArgumentError, type BackendChoice } from '@backprop/nn';
import type { Logger } from 'pino';
import { ensureDefaultModel } from './default-model.js';
import { isModelName } from './model-name.js';
import { ModelRegistry, type LoadFailure, type ModelEntry } from './registry.js';
import type { SharedModelStore } from './shared-models.js';

/** What `--model` points at. */
export interface ModelLocation {
  kind: 'file' | 'directory';
  path: string;
}

export function locateModels(modelPath: string): ModelLocation {
  try {
    return { kind: statSync(modelPath).isDirectory() ? 'directory' : 'file', path: modelPath };
  } catch (err) {
    throw new InvalidArgumentError(`model: cannot read ${modelPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * The registry a server starts with: uploads go to the shared store (`--models redis://…`), the `--model`
 * directory (or the model file's directory), or without either to `<cacheDir>/models`.
 */
export function registryFor(location: ModelLocation | undefined, cacheDir: string, shared?: SharedModelStore): ModelRegistry {
  if (shared) return new ModelRegistry({ shared });
  if (!location) return new ModelRegistry({ dir: join(cacheDir, 'models'), defaultName: 'default' });
  return new ModelRegistry({ dir: location.kind === 'directory' ? location.path : dirname(location.path) });
}

function logLoads(logger: Logger, loaded: ModelEntry[], failed: LoadFailure[]): void {
  for (const f of failed) logger.error({ model: f.name, path: f.path, err: f.error.message }, 'model failed to load; skipped');
  for (const e of loaded) logger.info({ model: e.name, path: e.path }, 'model loaded');
}

/**
 * Loads what `--model` names. A single file must load (the user asked for it: its error is thrown); in a
 * directory bad files are logged and skipped. The default is the file; in a directory, the registry's own rule
 * (`default.json`, else the first model by name: ModelRegistry.resolveName).
 */
export function loadGivenModels(registry: ModelRegistry, location: ModelLocation, logger: Logger): void {
  if (location.kind === 'file') {
    const base = basename(location.path).replace(/\.json$/i, '');
    const name = isModelName(base) ? base : 'default';
    logLoads(logger, [registry.loadFile(name, location.path)], []);
    registry.defaultName = name;
    return;
  }
  const { loaded, failed } = registry.loadDirectory(location.path);
  logLoads(logger, loaded, failed);
  if (loaded.length === 0) {
    logger.warn({ dir: location.path }, 'no model loaded from the model directory; /readyz stays 503 until one is uploaded');
  }
}

/**
 * Without `--model`: loads earlier uploads from the registry's directory, then the cached default model — or
 * trains it (first start). Until it is in place, requests for `default` get 503. Resolves when it is served;
 * resolves too when `signal` aborts the training (nothing is cached then).
 */
export async function prepareDefaultModel(
  registry: ModelRegistry,
  options: { cacheDir: string; logger: Logger; signal: AbortSignal; backend?: BackendChoice },
): Promise<void> {
  try {
    const { loaded, failed } = registry.loadDirectory(registry.dir!);
    logLoads(options.logger, loaded, failed);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (registry.has('default')) return;
  registry.markPending('default', 'the default model is being trained (first start); try again in a few seconds');
  try {
    const { model, path, trained } = await ensureDefaultModel(options);
    // An admin may have uploaded a `default` meanwhile; theirs wins.
    if (!registry.has('default')) registry.set('default', model, { source: trained ? 'trained' : 'file', path });
  } catch (err) {
    registry.clearPending('default');
    if (options.signal.aborted) return;
    options.logger.error({ err }, 'could not prepare the default model');
    throw err;
  }
}
