import type { TrainProgress } from '@backprop/nn';
import { duration, percent } from './output.js';

/** What the run is measured against: the budget that ends it (for the bar and the ETA), when there is one. */
export interface ProgressPlan {
  method: string;
  unit: 'evaluations' | 'iterations' | 'epochs';
  total?: number;
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Redraw one line in place (default: when the stream is a terminal). */
  live?: boolean;
  /** Plain mode: at most one line per this many ms (default 2000). */
  every?: number;
  /** The clock, in ms (default Date.now; tests pass a fake one). */
  now?: () => number;
}

/**
 * Training progress on stderr. On a terminal: one live line with a bar, iteration, cost, accuracy, evaluations/s
 * and ETA, redrawn at most 10 times a second. Otherwise (a pipe, a log file, CI): a plain line every couple of
 * seconds, so logs stay readable. adam/sgd report inside an epoch too (step events), so a long epoch shows its
 * progress, rate and ETA rather than minutes of silence.
 */
export class ProgressReporter {
  private readonly stream: NodeJS.WriteStream;
  private readonly live: boolean;
  private readonly every: number;
  private readonly now: () => number;
  private last = -Infinity;
  private latest?: TrainProgress;
  /** the latest update has not been drawn yet (throttled) */
  private pending = false;
  private drawn = false;

  constructor(
    private readonly plan: ProgressPlan,
    options: ProgressOptions = {},
  ) {
    this.stream = options.stream ?? process.stderr;
    this.live = options.live ?? Boolean(this.stream.isTTY);
    this.every = options.every ?? 2000;
    this.now = options.now ?? Date.now;
  }

  update(p: TrainProgress): void {
    this.latest = p;
    this.pending = true;
    const now = this.now();
    if (now - this.last < (this.live ? 100 : this.every)) return;
    this.last = now;
    this.draw(p);
  }

  /** Draws the final state and ends the live line. */
  finish(): void {
    if (this.latest && this.pending) this.draw(this.latest);
    if (this.live && this.drawn) this.stream.write('\n');
  }

  /** Ends the live line so another message can be printed below it. */
  interrupt(message: string): void {
    if (this.live && this.drawn) this.stream.write('\n');
    this.stream.write(message + '\n');
    this.drawn = false;
  }

  /** Where an adam/sgd step report is within its epoch: [steps done in it, steps it has]. */
  private withinEpoch(p: TrainProgress): [number, number] | undefined {
    if (p.event !== 'step' || p.step === undefined || !p.stepsPerEpoch || p.epoch === undefined) return undefined;
    const inEpoch = Math.min(p.stepsPerEpoch, Math.max(0, p.step - (p.epoch - 1) * p.stepsPerEpoch));
    return [inEpoch, p.stepsPerEpoch];
  }

  private done(p: TrainProgress): number | undefined {
    const { unit } = this.plan;
    if (unit === 'epochs') {
      const within = this.withinEpoch(p);
      // a step report: the epochs completed plus the fraction of the one in progress
      if (within) return (p.epoch ?? 1) - 1 + within[0] / within[1];
      return p.epoch ?? p.iteration;
    }
    return unit === 'evaluations' ? p.nfev : p.iteration;
  }

  private draw(p: TrainProgress): void {
    const seconds = p.elapsed / 1000;
    const rate = seconds > 0 ? p.nfev / seconds : NaN;
    const { total, unit } = this.plan;
    const done = this.done(p) ?? 0;
    const fraction = total ? Math.min(1, done / total) : undefined;
    const eta = total && done > 0 && seconds > 0 ? ((total - done) * seconds) / done : undefined;
    const of = (n: number | undefined, t: number | undefined): string => (t ? `${n}/${t}` : String(n));
    const within = this.withinEpoch(p);
    const epochText = `epoch ${of(p.epoch ?? p.iteration, total)}${within ? ` (step ${within[0]}/${within[1]})` : ''}`;
    const parts =
      unit === 'evaluations'
        ? [`iteration ${p.iteration}`, `evals ${of(p.nfev, total)}`]
        : unit === 'epochs'
          ? [epochText, `evals ${p.nfev}`]
          : [`iteration ${of(p.iteration, total)}`, `evals ${p.nfev}`];
    // a step report's cost is that one minibatch's
    parts.push(`${within ? 'batch cost' : 'cost'} ${p.cost.toPrecision(6)}`);
    if (p.trainAccuracy !== undefined) parts.push(`train ${percent(p.trainAccuracy)}`);
    if (p.validationAccuracy !== undefined) parts.push(`val ${percent(p.validationAccuracy)}`);
    if (Number.isFinite(rate)) parts.push(`${rate.toFixed(rate < 10 ? 1 : 0)} evals/s`);
    if (eta !== undefined) parts.push(`ETA ${duration(Math.max(0, eta))}`);
    if (this.live) {
      // compact, so it fits an 80-column terminal
      const width = Math.max(40, (this.stream.columns || 100) - 1);
      const short = [
        unit === 'epochs' ? `epoch ${of(p.epoch ?? p.iteration, total)}${within ? ` step ${within[0]}/${within[1]}` : ''}` : `it ${p.iteration}`,
        unit === 'evaluations' ? `evals ${of(p.nfev, total)}` : unit === 'iterations' ? `of ${total ?? '?'}` : '',
        `cost ${p.cost.toPrecision(5)}`,
        p.trainAccuracy !== undefined ? `acc ${percent(p.trainAccuracy, 1)}` : '',
        p.validationAccuracy !== undefined ? `val ${percent(p.validationAccuracy, 1)}` : '',
        Number.isFinite(rate) ? `${rate.toFixed(0)} evals/s` : '',
        eta !== undefined ? `ETA ${duration(Math.max(0, eta))}` : '',
      ].filter(Boolean);
      const bar = fraction === undefined ? '' : `${renderBar(fraction, 16)} ${String(Math.floor(fraction * 100)).padStart(3)}% `;
      const line = `${bar}${short.join('  ')}`;
      this.stream.write(`\r\x1b[2K${line.length > width ? line.slice(0, width) : line}`);
    } else {
      this.stream.write(`${this.plan.method}: ${parts.join('  ')}\n`);
    }
    this.drawn = true;
    this.pending = false;
  }
}

function renderBar(fraction: number, width: number): string {
  const full = Math.round(fraction * width);
  return `[${'█'.repeat(full)}${'░'.repeat(width - full)}]`;
}
