import { Command, CommanderError } from 'commander';
import { benchCommand } from './commands/bench.js';
import { costCommand } from './commands/cost.js';
import { dataCommand } from './commands/data.js';
import { doctorCommand } from './commands/doctor.js';
import { evaluateCommand } from './commands/evaluate.js';
import { exportCommand } from './commands/export.js';
import { gradcheckCommand } from './commands/gradcheck.js';
import { predictCommand } from './commands/predict.js';
import { serveCommand } from './commands/serve.js';
import { showDataCommand } from './commands/show-data.js';
import { sweepCommand } from './commands/sweep.js';
import { trainCommand } from './commands/train.js';
import { visualizeCommand } from './commands/visualize.js';
import { workerCommand } from './commands/worker.js';
import { lastExitCode } from './command.js';
import { errorMessage, MAX_ERROR_CHARS, oneLine } from './error-message.js';
import { terminalSafe } from './terminal.js';
import { EXIT_USAGE, exitCodeOf } from './usage.js';

const VERSION = '0.1.0';

export function buildProgram(): Command {
  const program = new Command('backprop')
    .description(
      'Train, evaluate, visualise and serve back-propagation neural networks (Andrew Ng’s ex4) on a native ' +
        'OpenBLAS core or in pure TypeScript. Run `backprop <command> --help` for each command’s options.',
    )
    .version(VERSION, '-V, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (str, write) => write(`backprop: ${terminalSafe(oneLine(str), MAX_ERROR_CHARS)}\n`) })
    .addHelpText(
      'after',
      '\nQuick start:\n' +
        '  backprop train --report reports/latest     train the seed’s network (400-25-10, λ = 10, TNC, 300 evaluations)\n' +
        '  backprop evaluate --model reports/latest/model.json\n' +
        '  backprop predict --model reports/latest/model.json --image digit.png\n' +
        '  backprop serve --model reports/latest/model.json\n',
    );
  for (const make of [
    trainCommand,
    evaluateCommand,
    predictCommand,
    costCommand,
    gradcheckCommand,
    visualizeCommand,
    showDataCommand,
    sweepCommand,
    dataCommand,
    exportCommand,
    benchCommand,
    serveCommand,
    doctorCommand,
    workerCommand,
  ]) {
    const cmd = make();
    inherit(cmd, program);
    program.addCommand(cmd);
  }
  return program;
}

function inherit(cmd: Command, parent: Command): void {
  cmd.copyInheritedSettings(parent);
  for (const sub of cmd.commands) inherit(sub, cmd);
}

/** Parses argv, runs the command and returns the exit code. Errors become one line on stderr. */
export async function run(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const verbose = argv.includes('--verbose');
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return lastExitCode();
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed its message (one line, through outputError); help and the version exit 0
      if (['commander.help', 'commander.helpDisplayed', 'commander.version'].includes(err.code) || err.exitCode === 0) return 0;
      if (json) printJsonError('ERR_USAGE', terminalSafe(oneLine(err.message.replace(/^error: /, '')), MAX_ERROR_CHARS));
      return EXIT_USAGE;
    }
    const e = (err ?? {}) as { code?: unknown; stack?: string };
    const message = errorMessage(err);
    process.stderr.write(`backprop: error: ${message}\n`);
    if (verbose && e.stack) process.stderr.write(`${e.stack.split('\n').map((l) => terminalSafe(l)).join('\n')}\n`);
    if (json) printJsonError(typeof e.code === 'string' ? e.code : 'ERR_UNEXPECTED', message);
    return exitCodeOf(err);
  }
}

function printJsonError(code: string, message: string): void {
  process.stdout.write(JSON.stringify({ status: 'error', error: { code, message } }) + '\n');
}
