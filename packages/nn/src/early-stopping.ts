import type { Checkpoint } from './model/checkpoint.js';
import type { HistoryEntry, TrainingSummary } from './model/model.js';

/** Early stopping's best iterate so far: its history entry, its weights, and the reports since without a better one. */
interface BestIterate {
  entry: HistoryEntry;
  x: Float64Array;
  sinceBest: number;
}

/**
 * Early stopping as Keras' `restore_best_weights`: stop when validation accuracy has not improved for `patience`
 * reports (iterations; epochs for adam/sgd), and keep the best iterate's weights, whose figures the model reports.
 * `train` and `Classifier.fit` share it; a checkpoint carries its state (`record`), so a resume goes on from it.
 */
export class EarlyStopping {
  #best: BestIterate | undefined;
  #stopped = false;

  constructor(
    readonly patience: number,
    resumed?: Checkpoint['earlyStopping'],
  ) {
    if (resumed) this.#best = { entry: { ...resumed.best }, x: Float64Array.from(resumed.x), sinceBest: resumed.sinceBest };
  }

  /** After an iteration whose entry has its validation accuracy: true to stop the run. */
  observe(entry: HistoryEntry, x: Float64Array): boolean {
    const best = this.#best;
    if (best === undefined || entry.validationAccuracy! > best.entry.validationAccuracy!) {
      this.#best = { entry, x: Float64Array.from(x), sinceBest: 0 };
    } else if (++best.sinceBest >= this.patience) {
      this.#stopped = true;
    }
    return this.#stopped;
  }

  /** What a checkpoint keeps of it (undefined before the first report). */
  record(): Checkpoint['earlyStopping'] {
    const best = this.#best;
    return best && { best: best.entry, x: Array.from(best.x), sinceBest: best.sinceBest };
  }

  /** The weights the model keeps: the best iterate's, or the optimiser's last `x` when that is the best. */
  weights(x: Float64Array): Float64Array {
    return this.#kept(x)?.x ?? x;
  }

  /**
   * Makes the summary of a model with `weights(x)` report them: the kept iterate's cost, and a status and message
   * saying that early stopping stopped the run (after which report, keeping which) or which iterate was kept.
   */
  report(summary: TrainingSummary, x: Float64Array, history: readonly HistoryEntry[]): void {
    const kept = this.#kept(x);
    if (!kept) return;
    summary.cost = kept.entry.cost;
    summary.kept = { iteration: kept.entry.iteration, ...(kept.entry.epoch !== undefined ? { epoch: kept.entry.epoch } : {}) };
    const at = (e: HistoryEntry): string => (e.epoch !== undefined ? `epoch ${e.epoch}` : `iteration ${e.iteration}`);
    const accuracy = `validation accuracy ${(kept.entry.validationAccuracy! * 100).toFixed(2)}%`;
    if (this.#stopped) {
      const unit = kept.entry.epoch !== undefined ? 'epoch' : 'iteration';
      summary.status = 'early_stopping';
      summary.message =
        `early stopping: no better validation accuracy in ${this.patience} ${unit}${this.patience === 1 ? '' : 's'} ` +
        `after ${at(kept.entry)}; stopped after ${at(history[history.length - 1])}, kept the weights of ` +
        `${at(kept.entry)} (${accuracy})`;
    } else {
      summary.message = `${summary.message}; kept the weights of ${at(kept.entry)} (best ${accuracy})`;
    }
  }

  #kept(x: Float64Array): BestIterate | undefined {
    const best = this.#best;
    return best !== undefined && !sameValues(best.x, x) ? best : undefined;
  }
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}
