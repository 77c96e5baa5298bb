import { defineCommand, examples, type CommonOptions } from '../command.js';
import { EXIT_FAILURE } from '../usage.js';

type RunBench = (options: { json?: boolean; verbose?: boolean }) => Promise<unknown> | unknown;

export function benchCommand() {
  return defineCommand<CommonOptions>(
    'bench',
    {
      summary: 'run the benchmark harness',
      description:
        'Run the benchmark harness of @backprop/nn (runBench), when it is installed.',
    },
    (cmd) => cmd.addHelpText('after', examples(['backprop bench', 'backprop bench --json > bench.json'])),
    async (flags, out) => {
      // Imported lazily: the harness is optional and loading it must not slow down every other command.
      const nn = (await import('@backprop/nn')) as Record<string, unknown>;
      const runBench = nn.runBench as RunBench | undefined;
      if (typeof runBench !== 'function') {
        out.note('backprop: error: benchmark harness not installed (@backprop/nn does not export runBench)');
        out.result({ status: 'error', error: { code: 'ERR_BENCH_MISSING', message: 'benchmark harness not installed' } });
        return EXIT_FAILURE;
      }
      const result = await runBench({ json: flags.json, verbose: flags.verbose });
      if (result && typeof result === 'object') {
        if (!flags.json) out.say(JSON.stringify(result, null, 2));
        out.result(result as Record<string, unknown>);
      }
    },
  );
}
