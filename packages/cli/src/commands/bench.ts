import { defineCommand, examples, type CommonOptions } from '../command.js';
import * as parse from '../parse.js';
import { EXIT_FAILURE } from '../usage.js';

interface BenchFlags extends CommonOptions {
  rows?: string;
  repeat?: string;
  quick?: boolean;
  threads?: string;
  python?: string;
  serverSeconds?: string;
}

/** The parts of the private @backprop/bench package this command uses. */
interface Harness {
  runBench: (options: Record<string, unknown>) => Promise<{ rows: { status: string }[] } & Record<string, unknown>>;
  formatBenchTable: (report: unknown) => string;
}

/** What to do where the bench package is absent (the published CLI does not depend on it). */
const BENCH_MISSING =
  'the benchmark is the private @backprop/bench package of the backprop repository, not installed with the CLI (or not built); ' +
  'in a checkout run `npx nx run bench:run`';

/**
 * The bench package, loaded only when `backprop bench` runs (it is heavy and, outside the repository, absent);
 * null when it is not installed or not built. Any other failure to load it is a real error and propagates.
 */
async function loadHarness(): Promise<Harness | null> {
  try {
    return (await import('@backprop/bench')) as Harness;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND' && /'@backprop\/bench'|[\\/]bench[\\/]dist[\\/]index\.js'/.test(e.message)) return null;
    throw err;
  }
}

export function benchCommand() {
  return defineCommand<BenchFlags>(
    'bench',
    {
      summary: 'run the benchmark harness',
      description:
        'Run the benchmark (the private @backprop/bench package, present in a checkout of the repository): ' +
        'cost+gradient, TNC training, an MNIST epoch, the sweep and the server, against numpy/scipy where ' +
        'available. Exit 1 when a row failed or the bench package is not installed.',
    },
    (cmd) =>
      cmd
        .option('--rows <list>', 'rows to run, e.g. 1,2 (default: all)')
        .option('--repeat <n>', 'timed samples per measurement')
        .option('--quick', 'a short smoke run')
        .option('--threads <n>', 'BLAS threads for every implementation')
        .option('--python <path>', 'python with numpy and scipy for the reference rows')
        .option('--server-seconds <n>', 'seconds of each load-test run')
        .addHelpText('after', examples(['backprop bench', 'backprop bench --rows 1,2 --quick --json > bench.json'])),
    async (flags, out) => {
      const options: Record<string, unknown> = { json: flags.json, verbose: flags.verbose };
      if (flags.rows !== undefined) options.rows = flags.rows.split(',').map((r) => parse.integer('--rows', r.trim(), { min: 1, max: 1000 }));
      if (flags.repeat !== undefined) options.repeat = parse.integer('--repeat', flags.repeat, { min: 1, max: 1000 });
      if (flags.quick) options.quick = true;
      if (flags.threads !== undefined) options.threads = parse.integer('--threads', flags.threads, { min: 1, max: 256 });
      if (flags.python !== undefined) options.python = flags.python;
      if (flags.serverSeconds !== undefined) options.serverSeconds = parse.integer('--server-seconds', flags.serverSeconds, { min: 1, max: 120 });
      const harness = await loadHarness();
      if (!harness) {
        out.note(`backprop: error: ${BENCH_MISSING}`);
        out.result({ status: 'error', error: { code: 'ERR_BENCH_MISSING', message: BENCH_MISSING } });
        return EXIT_FAILURE;
      }
      const report = await harness.runBench(options);
      if (!out.json) out.say(harness.formatBenchTable(report));
      out.result(report);
      return report.rows.some((r) => r.status === 'failed') ? EXIT_FAILURE : 0;
    },
  );
}
