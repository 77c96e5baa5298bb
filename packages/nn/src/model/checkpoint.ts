import { readFileSync } from 'node:fs';
import { BackpropError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';
import type { Activations } from '../network/activations.js';
import type { Dtype } from '../network/dtype.js';
import type { HistoryEntry } from './model.js';

export const CHECKPOINT_FORMAT = 'backprop-checkpoint';

/** A checkpoint file is missing, torn, or belongs to another run. */
export class CheckpointError extends BackpropError {
  constructor(message: string) {
    super('ERR_CHECKPOINT', message);
  }
}

/** Everything `train` needs to continue a run. */
export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: 1;
  layers: number[];
  /** The network's activations (absent in checkpoints of the seed's network written before issue 16). */
  activations?: Activations;
  /** What the network computes in (absent: float64, as every checkpoint before float32 was). */
  dtype?: Dtype;
  method: string;
  lambda: number;
  /** checksum of the training data the run used: resuming on other data is refused */
  dataChecksum?: string;
  /** iterations (or epochs) and evaluations done before this checkpoint */
  iteration: number;
  nfev: number;
  x: number[];
  /** minibatch optimiser state (moments, step, rng) for bit-for-bit resume */
  state?: unknown;
  history: HistoryEntry[];
  /**
   * A run with early stopping: its best iterate so far (history entry and weights) and the reports since it without
   * a better validation accuracy. `x` above stays the last iterate, which `state` belongs to.
   */
  earlyStopping?: { best: HistoryEntry; x: number[]; sinceBest: number };
  savedAt: string;
}

export function saveCheckpoint(path: string, cp: Omit<Checkpoint, 'format' | 'version' | 'savedAt'>): void {
  const doc: Checkpoint = { format: CHECKPOINT_FORMAT, version: 1, savedAt: new Date().toISOString(), ...cp };
  // Typed arrays (optimiser moments) are written as plain number arrays; doubles round-trip exactly through JSON.
  writeFileAtomic(path, JSON.stringify(doc, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v)));
}

/** The fields a checkpoint cannot be resumed without (the rest are optional or checked for their values below). */
const REQUIRED_FIELDS = ['version', 'layers', 'x', 'history'] as const;

export function loadCheckpoint(path: string): Checkpoint {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new CheckpointError(`cannot read checkpoint ${path}: ${(err as Error).message}`);
  }
  let doc: Checkpoint;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as Checkpoint;
  } catch (err) {
    throw new CheckpointError(`cannot read checkpoint ${path}: not a backprop checkpoint: ${notJsonReason(bytes, err)}`);
  }
  if (!doc || typeof doc !== 'object' || doc.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(`${path} is not a backprop checkpoint (no "format": "${CHECKPOINT_FORMAT}")`);
  }
  const missing = REQUIRED_FIELDS.filter((field) => doc[field] === undefined);
  if (missing.length > 0) throw new CheckpointError(`${path}: checkpoint fields missing: ${missing.join(', ')}`);
  if (doc.version !== 1) {
    throw new CheckpointError(`${path}: checkpoint version ${JSON.stringify(doc.version)} is not supported (expected 1)`);
  }
  if (!Array.isArray(doc.x) || !doc.x.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new CheckpointError(`${path}: parameters are missing or not finite`);
  }
  if (!Array.isArray(doc.layers) || !Array.isArray(doc.history)) {
    throw new CheckpointError(`${path}: layers or history missing`);
  }
  if (!doc.history.every((h) => h !== null && typeof h === 'object' && Number.isFinite(h.iteration) && Number.isFinite(h.elapsed))) {
    throw new CheckpointError(`${path}: history entries must be objects with a finite iteration and elapsed time`);
  }
  const es = doc.earlyStopping;
  if (es !== undefined) {
    const ok = es !== null && typeof es === 'object' && es.best !== null && typeof es.best === 'object' &&
      Number.isFinite(es.best.iteration) && Number.isFinite(es.best.cost) && Number.isFinite(es.best.validationAccuracy) &&
      Array.isArray(es.x) && es.x.length === doc.x.length && es.x.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
      Number.isSafeInteger(es.sinceBest) && es.sinceBest >= 0;
    if (!ok) throw new CheckpointError(`${path}: earlyStopping must hold the best iterate (its history entry and finite parameters) and a count`);
  }
  return doc;
}

/**
 * Why bytes that should hold JSON do not, without echoing them: "not text (NUL byte at offset 0)" for a binary
 * file, "not text (not UTF-8)", else the parser's reason with its quote of the text left out ('Unexpected token
 * 'x', "xyz…" is not valid JSON' → "not valid JSON (Unexpected token 'x')").
 */
function notJsonReason(bytes: Uint8Array, parseError: unknown): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return `not text (NUL byte at offset ${nul})`;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'not text (not UTF-8)';
  }
  const message = (parseError instanceof Error ? parseError.message : String(parseError)).replace(/\s+/g, ' ');
  return `not valid JSON (${message.replace(/, ".*"(?:\.\.\.)? is not valid JSON$/, '')})`;
}
