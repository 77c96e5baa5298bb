import { ScaledBox } from './tnc-bounds.js';
import { InnerSolve } from './tnc-cg.js';
import { generatedPasses, type HotPasses, plainPasses } from './tnc-passes.js';
import { newMemory, type QuasiNewtonMemory, resetMemory } from './tnc-preconditioner.js';

/**
 * The n-vectors of one TNC run that its hot passes work on, and those passes (tnc-passes.ts).
 *
 * Generated passes are compiled for the workspace's own vectors, and what makes them fast — TurboFan specialising
 * each closure on its vectors — takes a compile and a warm-up of every pass (measured: ~30 ms per digits5000 run,
 * a third of TNC's own time). So a workspace with generated passes is kept when its run ends, and the next run of
 * the same size takes it, zeroed, with its passes already compiled. At most {@link IDLE_KEPT} idle workspaces, of
 * at most {@link IDLE_DOUBLES} doubles in all, are kept (the least recently released goes first; a bigger one is
 * not kept: there compiling is small beside the evaluations anyway); one in use is never shared, so runs that
 * interleave (async objectives) each get their own. A run that is abandoned before it ends simply never returns
 * its workspace.
 *
 * The trial point and the gradients the objective writes (xTrial, gTrial, cg.Hv) are among these vectors: like
 * during a run, an objective must not keep them after the call.
 */
export class TncWorkspace {
  readonly n: number;
  /** The current point, scaled; the scaled projected gradient and the previous one; the search direction. */
  readonly xs: Float64Array;
  readonly g: Float64Array;
  readonly gOld: Float64Array;
  readonly p: Float64Array;
  /** A trial point (unscaled) and the raw gradient there. */
  readonly xTrial: Float64Array;
  readonly gTrial: Float64Array;
  /** 0 = free, else held (tnc-bounds.ts). */
  readonly pivot: Int8Array;
  /** Bounds and scaling (filled by the run, then wrapped in `box`). */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly xscale: Float64Array;
  readonly xoffset: Float64Array;
  box: ScaledBox;
  readonly cg: InnerSolve;
  readonly mem: QuasiNewtonMemory;
  /** The hot passes over these vectors (generated or plain), bound once. */
  readonly passes: HotPasses;
  /** Whether the passes are generated (false also when asked for but code generation is disallowed). */
  readonly generated: boolean;

  constructor(n: number, generated: boolean) {
    this.n = n;
    this.xs = new Float64Array(n);
    this.g = new Float64Array(n);
    this.gOld = new Float64Array(n);
    this.p = new Float64Array(n);
    this.xTrial = new Float64Array(n);
    this.gTrial = new Float64Array(n);
    this.pivot = new Int8Array(n);
    this.lower = new Float64Array(n);
    this.upper = new Float64Array(n);
    this.xscale = new Float64Array(n);
    this.xoffset = new Float64Array(n);
    this.box = new ScaledBox(this.lower, this.upper, this.xscale, this.xoffset);
    this.cg = new InnerSolve(n);
    this.mem = newMemory(n);
    // The passes read box.* once, when bound: the box object may be replaced, its four vectors may not.
    const passes = generated ? compiledOrNull(this) : null;
    this.generated = passes !== null;
    this.passes = passes ?? plainPasses(this);
  }

  /** Back to the state of a new workspace: every vector zero, the memory as newMemory leaves it. */
  clear(): void {
    for (const a of [this.xs, this.g, this.gOld, this.p, this.xTrial, this.gTrial, this.lower, this.upper, this.xscale, this.xoffset]) {
      a.fill(0);
    }
    this.pivot.fill(0);
    for (const a of [this.cg.r, this.cg.v, this.cg.zk, this.cg.emat, this.cg.Hv]) a.fill(0);
    resetMemory(this.mem);
  }

  /** Rebuild the box once the run has filled lower, upper, xscale and xoffset (it caches `bounded`). */
  setBox(): ScaledBox {
    this.box = new ScaledBox(this.lower, this.upper, this.xscale, this.xoffset);
    return this.box;
  }
}

/**
 * The generated passes, or null where the embedder forbids compiling code from strings (node
 * --disallow-code-generation-from-strings: `new Function` throws an EvalError): then the plain ones serve.
 */
function compiledOrNull(w: TncWorkspace): HotPasses | null {
  try {
    return generatedPasses(w);
  } catch (e) {
    if (e instanceof EvalError) return null;
    throw e;
  }
}

/** How many idle workspaces are kept for later runs, and how many doubles they may hold in all (32 MB). */
export const IDLE_KEPT = 2;
export const IDLE_DOUBLES = 1 << 22;

/** Doubles held by a workspace of n variables (its 24 vectors; the pivots are bytes). */
function doubles(n: number): number {
  return 24 * n;
}

const idle: TncWorkspace[] = [];

/** A workspace for n variables: an idle one with generated passes if `generated` and one is kept, else new. */
export function acquireWorkspace(n: number, generated: boolean): TncWorkspace {
  if (generated) {
    for (let i = idle.length - 1; i >= 0; i--) {
      if (idle[i].n === n) {
        const [w] = idle.splice(i, 1);
        w.clear();
        return w;
      }
    }
  }
  return new TncWorkspace(n, generated);
}

/** Hand a workspace back when its run has ended (only generated ones are kept). */
export function releaseWorkspace(w: TncWorkspace): void {
  if (!w.generated || idle.includes(w) || doubles(w.n) > IDLE_DOUBLES) return;
  idle.push(w);
  let held = idle.reduce((sum, kept) => sum + doubles(kept.n), 0);
  while (idle.length > IDLE_KEPT || held > IDLE_DOUBLES) held -= doubles(idle.shift()!.n);
}
