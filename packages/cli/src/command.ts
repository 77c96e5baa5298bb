import { Command } from 'commander';
import { addCsvOptions, type DataFlags } from './dataset.js';
import { Output } from './output.js';

/** Options every command takes (and, for those that read --data, how a CSV is read). */
export interface CommonOptions extends DataFlags {
  json?: boolean;
  verbose?: boolean;
}

/** Exit code of the last action, read by main after parsing. */
let exitCode = 0;
export function lastExitCode(): number {
  return exitCode;
}

/**
 * A subcommand with --json and --verbose, whose action receives its parsed options and an Output. Errors
 * propagate to main, which prints them as one line.
 */
export function defineCommand<O extends CommonOptions>(
  name: string,
  description: string | { summary: string; description: string },
  configure: (cmd: Command) => void,
  /** The command's work: resolves to the exit code (0 when nothing is returned). */
  action: (options: O, out: Output, command: Command) => Promise<number | void> | number | void,
): Command {
  const cmd = new Command(name);
  if (typeof description === 'string') cmd.description(description);
  else cmd.summary(description.summary).description(description.description);
  configure(cmd);
  // every command that reads --data reads a CSV the same way
  if (cmd.options.some((o) => o.long === '--data')) addCsvOptions(cmd);
  cmd
    .option('--json', 'print the result as one JSON object on stdout (progress and notes go to stderr)')
    .option('--verbose', 'more detail, and a stack trace when something fails')
    .action(async (...args: unknown[]) => {
      // commander passes (positional…, options, command); positional arguments are on command.args
      const command = args[args.length - 1] as Command;
      const options = command.opts<O>();
      const code = await action(options, new Output(options), command);
      exitCode = typeof code === 'number' ? code : 0;
    });
  return cmd;
}

/** Help text appended after the options: examples and notes. */
export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}
