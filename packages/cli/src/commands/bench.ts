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

/** The parts of @backprop/nn's benchmark harness this command uses (looked up at run time: it is optional). */
interface Harness {
  runBench: (options: Record<string, unknown>) => Promise<{ rows: { status: string }[] } & Record<string, unknown>>;
  formatBenchTable?: (report: unknown) => string;
}

export function benchCommand() {
  return defineCommand<BenchFlags>(
    'bench',
    {
      summary: 'run the benchmark harness',
      description:
        'Run the benchmark harness of @backprop/nn (runBench): cost+gradient, TNC training, an MNIST epoch, the ' +
        'sweep and the server, against numpy/scipy where available. Exit 1 when a row failed.',
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
      if (flags.rows !== undefined) options.rows = flags.rows.split(',').map((r) => parse.integer('--rows', r.trim(), { min: 1 }));
      if (flags.repeat !== undefined) options.repeat = parse.integer('--repeat', flags.repeat, { min: 1 });
      if (flags.quick) options.quick = true;
      if (flags.threads !== undefined) options.threads = parse.integer('--threads', flags.threads, { min: 1, max: 256 });
      if (flags.python !== undefined) options.python = flags.python;
      if (flags.serverSeconds !== undefined) options.serverSeconds = parse.integer('--server-seconds', flags.serverSeconds, { min: 1 });
      // Imported lazily: the harness is optional and loading it must not slow down every other command.
      const nn = (await import('@backprop/nn')) as unknown as Partial<Harness>;
      if (typeof nn.runBench !== 'function') {
        out.note('backprop: error: benchmark harness not installed (@backprop/nn does not export runBench)');
        out.result({ status: 'error', error: { code: 'ERR_BENCH_MISSING', message: 'benchmark harness not installed' } });
        return EXIT_FAILURE;
      }
      const report = await nn.runBench(options);
      if (!out.json) out.say(typeof nn.formatBenchTable === 'function' ? nn.formatBenchTable(report) : JSON.stringify(report, null, 2));
      out.result(report);
      return report.rows.some((r) => r.status === 'failed') ? EXIT_FAILURE : 0;
    },
  );
}
