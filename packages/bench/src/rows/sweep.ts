/**
 * Row 4: `backprop sweep` throughput with 1 vs 2 worker threads (1 BLAS thread each), through the CLI binary
 * (packages/cli/dist/main.js) on a small grid of the seed's training. The CLI's own pool wall time is the
 * sample; trainings/min and the ratio follow. Skipped with a notice when the CLI or its sweep command is not
 * built.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BenchContext } from '../context.js';
import { costGradientFlops, floorMs } from '../flops.js';
import { errorMessage, makeRow, measured, skipped, speedup } from '../report.js';
import { median } from '../timing.js';
import type { BenchEntry, BenchRow } from '../types.js';

interface SweepJson {
  status: string;
  completed: number;
  failed: number;
  workers: number;
  wallSeconds: number;
  trainingsPerMinute: number;
  results: { ok: boolean; nfev?: number; dataset?: { m: number }; hidden: number[]; error?: string }[];
}

/** packages/cli/dist/main.js, found through the workspace link (null when the CLI is not there). */
export function cliMain(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('@backprop/cli/package.json');
    const main = join(dirname(pkg), 'dist', 'main.js');
    return existsSync(main) ? main : null;
  } catch {
    return null;
  }
}

function sweepOnce(main: string, args: string[], workers: number, out: string): SweepJson {
  const run = spawnSync(process.execPath, [main, 'sweep', ...args, '--workers', String(workers), '--out', out, '--json'], {
    encoding: 'utf8',
    timeout: 1_200_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  const lines = run.stdout.trim().split('\n');
  let parsed: SweepJson | undefined;
  try {
    parsed = JSON.parse(lines[lines.length - 1]) as SweepJson;
  } catch {
    parsed = undefined;
  }
  if (run.status !== 0 || !parsed) {
    throw new Error(`sweep --workers ${workers} exited with ${run.status ?? run.signal}: ${run.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  }
  if (parsed.failed > 0) {
    const first = parsed.results.find((r) => !r.ok);
    throw new Error(`sweep --workers ${workers}: ${parsed.failed} trainings failed (${first?.error ?? 'no message'})`);
  }
  return parsed;
}

export async function benchSweep(ctx: BenchContext): Promise<BenchRow> {
  const started = Date.now();
  const lambdas = ctx.quick ? '1,10' : '0.3,1,3,10';
  const maxfun = ctx.quick ? 30 : 300;
  const args = ['--data', 'builtin:digits5000', '--lambda', lambdas, '--hidden', '25', '--method', 'tnc',
    '--maxfun', String(maxfun), '--threads-per-worker', '1', '--validation', '0.2', '--seed', '0'];
  const configs = lambdas.split(',').length;
  const workload = `digits5000 (80% train), 400-25-10, TNC maxfun=${maxfun}, λ ∈ {${lambdas}}: ${configs} trainings, 1 BLAS thread per worker`;
  const names = ['1 worker', '2 workers'];
  const row = (entries: BenchEntry[], flops: number | null, notes: string[]) =>
    makeRow(
      {
        id: 4,
        title: 'sweep throughput, 1 vs 2 workers',
        workload,
        flops,
        floorMs: floorMs(flops, ctx.peakGflops),
        entries,
        checks: [speedup('2 workers / 1 worker (throughput)', entries[0], entries[1], { op: '>=', value: 1.8 })],
        notes,
      },
      started,
    );

  const main = cliMain();
  if (!main) {
    const reason = 'the CLI is not built (packages/cli/dist/main.js missing): build it with `npx nx run cli:build`';
    return row(names.map((n) => skipped(n, reason)), null, [`skipped: ${reason}`]);
  }
  const help = spawnSync(process.execPath, [main, 'sweep', '--help'], { encoding: 'utf8', timeout: 60_000 });
  if (help.status !== 0) {
    const reason = 'this CLI has no `sweep` command yet';
    return row(names.map((n) => skipped(n, reason)), null, [`skipped: ${reason}`]);
  }

  const rounds = ctx.quick ? 1 : Math.min(ctx.repeat, 3);
  const samples: number[][] = [[], []];
  const perMinute: number[][] = [[], []];
  let flops: number | null = null;
  try {
    for (let r = 0; r < rounds; r++) {
      // Alternated order (1, 2, then 2, 1, ...): a drift in the machine's load does not favour one side.
      for (const w of r % 2 === 0 ? [1, 2] : [2, 1]) {
        ctx.log(`row 4: sweep — ${w} worker${w === 1 ? '' : 's'} (round ${r + 1}/${rounds})`);
        const result = sweepOnce(main, args, w, join(ctx.tmpDir, `sweep-best-${w}.json`));
        samples[w - 1].push(result.wallSeconds * 1000);
        perMinute[w - 1].push(result.trainingsPerMinute);
        flops = result.results.reduce(
          (sum, t) => sum + (t.nfev ?? 0) * costGradientFlops([400, ...t.hidden, 10], t.dataset?.m ?? 4000),
          0,
        );
      }
    }
  } catch (err) {
    return row(names.map((n) => skipped(n, errorMessage(err), 'failed')), flops, []);
  }
  const entries = names.map((n, i) =>
    measured(n, { samplesMs: samples[i], inner: 1 }, {
      floorMs: floorMs(flops, ctx.peakGflops),
      threads: i + 1,
      details: { trainingsPerMinute: median(perMinute[i]), trainings: configs },
    }),
  );
  return row(entries, flops, ['floor: all trainings\' FLOPs at the 2-thread peak rate (the best 2 workers could do)']);
}
