import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Classifier, loadDataset, loadModel, saveModel, SEED, type BackendChoice, type Model } from '@backprop/nn';
import type { Logger } from 'pino';

export const DEFAULT_MODEL_FILE = 'default-model.json';

/** `$BACKPROP_CACHE_DIR`, else `$XDG_CACHE_HOME/backprop`, else `~/.cache/backprop`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BACKPROP_CACHE_DIR) return env.BACKPROP_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'backprop');
  return join(homedir(), '.cache', 'backprop');
}

export interface DefaultModelOptions {
  cacheDir: string;
  logger: Logger;
  signal?: AbortSignal;
  backend?: BackendChoice;
}

/** Trains the seed's network on digits5000 (a few seconds on the native backend). */
export async function trainDefaultModel(options: { signal?: AbortSignal; backend?: BackendChoice } = {}): Promise<Model> {
  const data = loadDataset(SEED.dataset);
  const clf = new Classifier({ ...SEED, ...(options.backend ? { backend: options.backend } : {}) });
  await clf.fitAsync(data, options.signal ? { signal: options.signal } : {});
  return clf.model;
}

/**
 * The model served when none is given: read from `<cacheDir>/default-model.json`, or — on first start, or when
 * the cached file is corrupt — trained with the seed's settings and cached (atomically) for the next start.
 * `trained` says which.
 */
export async function ensureDefaultModel(options: DefaultModelOptions): Promise<{ model: Model; path: string; trained: boolean }> {
  const { logger, cacheDir } = options;
  const path = join(cacheDir, DEFAULT_MODEL_FILE);
  if (existsSync(path)) {
    try {
      const model = loadModel(path);
      logger.info({ path }, 'loaded the cached default model');
      return { model, path, trained: false };
    } catch (err) {
      logger.warn({ path, err: (err as Error).message }, 'the cached default model is unreadable or corrupt; training a new one');
    }
  } else {
    logger.info(
      { path, settings: SEED },
      'no cached default model: training one on digits5000 with the seed settings (first start only; a few seconds with the native backend)',
    );
  }
  const started = Date.now();
  const model = await trainDefaultModel(options);
  if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
  mkdirSync(cacheDir, { recursive: true });
  saveModel(path, model);
  logger.info(
    {
      path,
      seconds: (Date.now() - started) / 1000,
      trainAccuracy: model.training?.trainAccuracy,
      backend: model.training?.backend,
    },
    'trained and cached the default model',
  );
  return { model, path, trained: true };
}
