import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { BackpropError, checkActivations, checkDtype, checkLayers, FileWriteError, checkTheta, loadModel, modelFromJson, modelToJson, thetaChecksum, writeFileAtomic, type Model } from '@backprop/nn';
import { DEFAULT_MODEL_BODY_LIMIT } from './body-limits.js';
import { checkModelName, isModelName } from './model-name.js';
import type { SharedModelStore } from './shared-models.js';

/** No model of that name is loaded. */
export class ModelNotFoundError extends BackpropError {
  constructor(message: string) {
    super('ERR_MODEL_NOT_FOUND', message);
  }
}

/** The model exists but is still being prepared (the default model trains on first start). */
export class ModelNotReadyError extends BackpropError {
  constructor(message: string) {
    super('ERR_MODEL_NOT_READY', message);
  }
}

/** A reload was asked for a model that was not read from a file or a shared store. */
export class ModelNotReloadableError extends BackpropError {
  constructor(message: string) {
    super('ERR_MODEL_NOT_RELOADABLE', message);
  }
}

/**
 * The model directory refused a write or a delete: the disk is full (ENOSPC, EDQUOT), read-only (EROFS) or not
 * writable by the server (EACCES, EPERM). `errno` is the system's code. Nothing changed: the registry keeps the
 * models it had.
 */
export class ModelStorageError extends BackpropError {
  constructor(
    message: string,
    readonly errno: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_MODEL_STORAGE', message, options);
  }
}

const STORAGE_CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

/** A file-system error as a ModelStorageError saying what was being done and why it failed; others unchanged. */
function storageError(doing: string, err: unknown): unknown {
  // writeFileAtomic reports the system's code in `reason`; unlink and mkdir throw the raw error
  const code = err instanceof FileWriteError ? err.reason : (err as NodeJS.ErrnoException)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return err;
  const why = STORAGE_CAUSES[code] ?? (err as Error).message;
  return new ModelStorageError(`${doing}: ${why} (${code})`, code, { cause: err });
}

export type ModelSource = 'file' | 'upload' | 'trained';

/**
 * What re-reading one model from the shared store did: swapped in a new entry, removed it (no longer stored),
 * refused it (invalid or over the size bound; the served model stays), or nothing (a newer read was applied first).
 */
export type SharedOutcome =
  | { name: string; entry: ModelEntry }
  | { name: string; removed: true }
  | { name: string; refused: Error }
  | { name: string; stale: true };

/**
 * The validator of what a model answers (hidden.png's ETag): sha256 of its model document without the creation time
 * and the training record, so it covers everything that changes a prediction or a picture — θ as the file holds it,
 * layers, activations, dtype, class names, input shape — and the same model loaded again keeps it.
 */
export function modelEtag(model: Model): string {
  const { training: _training, ...answering } = model;
  return createHash('sha256').update(modelToJson({ ...answering, createdAt: '' })).digest('hex');
}

/** One loaded model. Entries are immutable: a swap replaces the whole entry. */
export interface ModelEntry {
  readonly name: string;
  readonly model: Model;
  readonly checksum: string;
  /** modelEtag(model), computed once when the model is set. */
  readonly etag: string;
  readonly source: ModelSource;
  /** The file the model was read from or persisted to, if any. */
  readonly path?: string;
  readonly loadedAt: string;
}

export interface LoadFailure {
  name: string;
  path?: string;
  error: Error;
}

export interface RegistryOptions {
  /** Where uploads are persisted (`<dir>/<name>.json`). Without it uploads live in memory only. */
  dir?: string;
  /**
   * The default model while it is loaded or being prepared (the `--model` file, the trained model), when no model is
   * literally named `default`. Without it, or once it is deleted, the default is the first model by name.
   */
  defaultName?: string;
  /** Where uploads go instead of `dir` when replicas share their models (`--models redis://…`). */
  shared?: SharedModelStore;
}

/**
 * The models a server answers with, by name. Every change builds the new entry completely (parse, validate,
 * persist) before it replaces the old one in the map, so a request sees either the old model or the new one and a
 * bad upload or reload leaves the old model serving.
 */
export class ModelRegistry {
  readonly dir?: string;
  readonly shared?: SharedModelStore;
  defaultName?: string;
  /**
   * The longest model document read from the shared store: the upload limit (createApp sets it to the one PUT
   * enforces), so no replica fetches or parses a document that none of them would have accepted.
   */
  documentLimit = DEFAULT_MODEL_BODY_LIMIT;
  private readonly entries = new Map<string, ModelEntry>();
  /** Shared-store reads sent so far, and for each model the last one applied: answers apply in the order sent. */
  private sharedReads = 0;
  private readonly sharedApplied = new Map<string, number>();
  private readonly pending = new Map<string, string>();
  private readonly loadErrorListeners: ((failure: LoadFailure) => void)[] = [];

  constructor(options: RegistryOptions = {}) {
    if (options.dir !== undefined) this.dir = resolve(options.dir);
    if (options.defaultName !== undefined) this.defaultName = checkModelName(options.defaultName);
    if (options.shared !== undefined) this.shared = options.shared;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Called for every model that fails to load (startup, upload, reload); the metrics count them. */
  onLoadError(listener: (failure: LoadFailure) => void): void {
    this.loadErrorListeners.push(listener);
  }

  list(): ModelEntry[] {
    return [...this.entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * The name `name` refers to: itself, or for `default` the default model's name. The one rule for the default: the
   * model named `default`; else `defaultName` while it is loaded or being prepared; else the first loaded model by
   * name (list()'s order), so deleting the default hands it on. With no model loaded, `default` itself.
   */
  resolveName(name: string): string {
    if (name !== 'default' || this.entries.has(name)) return name;
    const pinned = this.defaultName;
    if (pinned !== undefined && (this.entries.has(pinned) || this.pending.has(pinned))) return pinned;
    let first: string | undefined;
    for (const loaded of this.entries.keys()) if (first === undefined || loaded.localeCompare(first) < 0) first = loaded;
    return first ?? name;
  }

  /** Whether a model of exactly this name is loaded (no `default` alias). */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  get(name: string): ModelEntry | undefined {
    return this.entries.get(this.resolveName(name));
  }

  /** The entry for `name`, or ModelNotReadyError / ModelNotFoundError saying why there is none. */
  require(name: string): ModelEntry {
    const resolved = this.resolveName(name);
    const entry = this.entries.get(resolved);
    if (entry) return entry;
    const why = this.pending.get(resolved);
    if (why !== undefined) throw new ModelNotReadyError(why);
    const loaded = [...this.entries.keys()].sort();
    const alias = resolved !== name ? ` (the default model is "${resolved}")` : '';
    throw new ModelNotFoundError(
      `no model named ${JSON.stringify(name)}${alias} is loaded; loaded models: ${loaded.length ? loaded.join(', ') : 'none'}`,
    );
  }

  /** Marks a model as being prepared: requests for it get 503 with `reason` until it is set. */
  markPending(name: string, reason: string): void {
    this.pending.set(checkModelName(name), reason);
  }

  clearPending(name: string): void {
    this.pending.delete(name);
  }

  isPending(name: string): boolean {
    return this.pending.has(this.resolveName(name));
  }

  /** Puts a validated model in place (replacing any model of that name in one step). */
  set(name: string, model: Model, origin: { source: ModelSource; path?: string }): ModelEntry {
    checkModelName(name);
    // Checked once here, so a single prediction can go straight to the backend.
    checkLayers(model.layers);
    checkTheta(model.theta, model.layers, 'model.theta');
    if (model.activations !== undefined) checkActivations(model.activations, model.layers, 'model.activations');
    if (model.dtype !== undefined) checkDtype(model.dtype, 'model.dtype');
    const entry: ModelEntry = Object.freeze({
      name,
      model,
      checksum: thetaChecksum(model.theta),
      etag: modelEtag(model),
      source: origin.source,
      ...(origin.path !== undefined ? { path: resolve(origin.path) } : {}),
      loadedAt: new Date().toISOString(),
    });
    this.entries.set(name, entry);
    this.pending.delete(name);
    return entry;
  }

  /** Reads and validates a model file, then swaps it in. On failure the old model (if any) keeps serving. */
  loadFile(name: string, path: string): ModelEntry {
    checkModelName(name);
    const model = this.read({ name, path }, () => loadModel(path));
    return this.set(name, model, { source: 'file', path });
  }

  /**
   * Loads every `<name>.json` in `dir` whose name is a valid model name. A bad file is reported and skipped so
   * that one corrupt model does not keep the others from serving.
   */
  loadDirectory(dir: string): { loaded: ModelEntry[]; failed: LoadFailure[] } {
    const loaded: ModelEntry[] = [];
    const failed: LoadFailure[] = [];
    const files = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isFile() && d.name.endsWith('.json') && !d.name.startsWith('.'))
      .map((d) => d.name)
      .sort();
    for (const file of files) {
      const name = file.slice(0, -'.json'.length);
      const path = join(dir, file);
      if (!isModelName(name)) {
        failed.push({ name, path, error: new Error(`skipped ${file}: not a valid model name`) });
        continue;
      }
      try {
        loaded.push(this.loadFile(name, path));
      } catch (err) {
        failed.push({ name, path, error: err as Error });
      }
    }
    return { loaded, failed };
  }

  /**
   * Validates a model document, persists it atomically to `<dir>/<name>.json` (when the registry has a directory)
   * or to the shared store (which tells the other replicas), and only then swaps it in. Throws ModelFormatError
   * for a bad document; nothing changes in that case.
   */
  async upload(name: string, text: string): Promise<{ entry: ModelEntry; created: boolean }> {
    checkModelName(name);
    const model = this.read({ name }, () => modelFromJson(text));
    // before the store is written: a shared store's own notice may swap the model in while it is written
    const created = !this.entries.has(name);
    let path: string | undefined;
    if (this.shared !== undefined) {
      await this.putShared(this.shared, name, modelToJson(model));
    } else if (this.dir !== undefined) {
      path = join(this.dir, `${name}.json`);
      try {
        mkdirSync(this.dir, { recursive: true });
        writeFileAtomic(path, modelToJson(model));
      } catch (err) {
        const kept = this.entries.has(name) ? 'the loaded model keeps serving' : 'nothing was loaded';
        throw storageError(`cannot save model ${JSON.stringify(name)} to ${path} (${kept})`, err);
      }
    }
    const entry = this.set(name, model, { source: 'upload', ...(path !== undefined ? { path } : {}) });
    return { entry, created };
  }

  /**
   * Re-reads a model from its file, or from the shared store (which may have changed while a notice was lost); a
   * bad document leaves the loaded model serving.
   */
  async reload(name: string): Promise<ModelEntry> {
    const entry = this.require(name);
    if (this.shared !== undefined) return this.reloadShared(this.shared, entry.name);
    if (entry.path === undefined) {
      throw new ModelNotReloadableError(`model ${JSON.stringify(entry.name)} was uploaded without a model directory and has no file to re-read`);
    }
    const { path } = entry;
    const model = this.read({ name: entry.name, path }, () => loadModel(path));
    return this.set(entry.name, model, { source: entry.source, path });
  }

  /**
   * Unloads a model (exact name, no `default` alias). Its file is deleted when it lives in the registry's
   * directory, so it does not come back on the next start; files elsewhere are left alone.
   */
  async remove(name: string): Promise<ModelEntry> {
    checkModelName(name);
    const entry = this.entries.get(name);
    if (!entry) {
      const alias = this.resolveName(name);
      const hint = alias !== name ? ` ("default" is an alias of "${alias}")` : '';
      throw new ModelNotFoundError(`no model named ${JSON.stringify(name)} is loaded${hint}`);
    }
    if (this.shared !== undefined) {
      try {
        await this.shared.delete(name);
      } catch (err) {
        throw new ModelStorageError(`cannot delete model ${JSON.stringify(name)} from ${this.shared.where} (it keeps serving): ${(err as Error).message}`, 'ESHARED', { cause: err });
      }
    } else if (this.dir !== undefined && entry.path !== undefined && dirname(entry.path) === this.dir && basename(entry.path) === `${name}.json`) {
      try {
        unlinkSync(entry.path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw storageError(`cannot delete ${entry.path}, the file of model ${JSON.stringify(name)} (it keeps serving)`, err);
        }
      }
    }
    this.entries.delete(name);
    return entry;
  }

  /**
   * Re-reads one model from the shared store and applies it. Throws only when the store cannot be read (the caller
   * retries); an invalid or oversized document is a `refused` outcome and the served model stays.
   */
  async readShared(name: string): Promise<SharedOutcome> {
    const store = this.sharedStore();
    const sent = ++this.sharedReads;
    let text: string | null;
    try {
      text = await store.get(name, this.documentLimit);
    } catch (err) {
      if ((err as BackpropError).code !== 'ERR_MODEL_DOCUMENT_TOO_LARGE') throw err;
      return this.refuseShared(name, err as Error);
    }
    return this.applyShared(sent, name, text);
  }

  /**
   * Re-reads the whole shared store and makes the registry equal to it: every stored model applied, every loaded
   * model the store no longer has removed (Redis restarted empty, a delete whose notice was lost). Throws only when
   * the store cannot be read.
   */
  async syncShared(): Promise<SharedOutcome[]> {
    const store = this.sharedStore();
    const sent = ++this.sharedReads;
    const docs = await store.all(this.documentLimit);
    const names = [...new Set([...docs.keys(), ...this.entries.keys()])].sort();
    return names.map((name) => {
      const doc = docs.get(name) ?? null;
      return doc instanceof Error ? this.refuseShared(name, doc) : this.applyShared(sent, name, doc);
    });
  }

  /** The shared store's document for `name` as of read `sent` (null: deleted), validated before it is swapped in. */
  private applyShared(sent: number, name: string, text: string | null): SharedOutcome {
    if (!isModelName(name)) return { name, refused: new Error(`skipped ${JSON.stringify(name)}: not a valid model name`) };
    if ((this.sharedApplied.get(name) ?? 0) > sent) return { name, stale: true };
    this.sharedApplied.set(name, sent);
    if (text === null) {
      this.entries.delete(name);
      return { name, removed: true };
    }
    try {
      return { name, entry: this.read({ name }, () => this.set(name, modelFromJson(text), { source: 'upload' })) };
    } catch (err) {
      return { name, refused: err as Error };
    }
  }

  private refuseShared(name: string, error: Error): SharedOutcome {
    for (const listener of this.loadErrorListeners) listener({ name, error });
    return { name, refused: error };
  }

  private async reloadShared(store: SharedModelStore, name: string): Promise<ModelEntry> {
    let outcome: SharedOutcome;
    try {
      outcome = await this.readShared(name);
    } catch (err) {
      throw new ModelStorageError(`cannot read model ${JSON.stringify(name)} from ${store.where} (the loaded model keeps serving): ${(err as Error).message}`, 'ESHARED', { cause: err });
    }
    if ('refused' in outcome) throw outcome.refused;
    if ('removed' in outcome) throw new ModelNotFoundError(`model ${JSON.stringify(name)} is no longer in ${store.where}; it was unloaded`);
    return 'entry' in outcome ? outcome.entry : this.require(name);
  }

  /**
   * Writes a document to the shared store. A write whose answer did not come (timed out) may still have been
   * stored, so it is read back: the document there is ours → stored; another → not stored; no answer again → the
   * outcome is unknown (ModelStorageError with errno ETIMEDOUT).
   */
  private async putShared(store: SharedModelStore, name: string, text: string): Promise<void> {
    const kept = this.entries.has(name) ? 'the loaded model keeps serving' : 'nothing was loaded';
    try {
      await store.put(name, text);
      return;
    } catch (err) {
      const why = (err as Error).message;
      if (!/timed out/i.test(why)) {
        throw new ModelStorageError(`cannot store model ${JSON.stringify(name)} in ${store.where} (${kept}): ${why}`, 'ESHARED', { cause: err });
      }
      let stored: string | null;
      try {
        stored = await store.get(name, Buffer.byteLength(text));
      } catch (again) {
        if ((again as BackpropError).code !== 'ERR_MODEL_DOCUMENT_TOO_LARGE') {
          throw new ModelStorageError(
            `model ${JSON.stringify(name)} may or may not be stored in ${store.where}: the write and the read-back both went unanswered (${why}; ${(again as Error).message}); GET it from any replica to see which`,
            'ETIMEDOUT',
            { cause: err },
          );
        }
        stored = null; // longer than ours: another version
      }
      if (stored !== text) {
        throw new ModelStorageError(`cannot store model ${JSON.stringify(name)} in ${store.where} (${kept}): ${why}, and the store holds another version`, 'ESHARED', { cause: err });
      }
    }
  }

  private sharedStore(): SharedModelStore {
    if (this.shared === undefined) throw new ModelNotReloadableError('this server has no shared model store');
    return this.shared;
  }

  /** `load()`'s result; a failure is reported to the onLoadError listeners, then rethrown. */
  private read<T>(failure: Omit<LoadFailure, 'error'>, load: () => T): T {
    try {
      return load();
    } catch (err) {
      for (const listener of this.loadErrorListeners) listener({ ...failure, error: err as Error });
      throw err;
    }
  }
}
