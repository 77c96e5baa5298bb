import { BackpropError } from '@backprop/nn';

/** A benchmark option is malformed (`--rows 7`, `--repeat 0` …). */
export class BenchOptionError extends BackpropError {
  constructor(message: string) {
    super('ERR_BENCH_OPTION', message);
  }
}
