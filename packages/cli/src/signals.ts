/**
 * An AbortSignal wired to Ctrl-C (SIGINT) and SIGTERM for as long as the command runs. The first signal calls
 * `onInterrupt` and aborts (training then returns its best parameters, which the command saves). It also gives
 * the signals back to Node's default action, so a second one ends the process at once — even in the middle of a
 * long evaluation, when no JavaScript handler could run (the shell reports exit status 130). Call `dispose()`
 * when the command is done.
 */
export class Interrupt {
  private readonly controller = new AbortController();
  private readonly handler = (signal: NodeJS.Signals): void => {
    this.dispose();
    this.onInterrupt(signal);
    this.controller.abort(new Error(`interrupted by ${signal}`));
  };

  constructor(private readonly onInterrupt: (signal: NodeJS.Signals) => void) {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get interrupted(): boolean {
    return this.controller.signal.aborted;
  }

  dispose(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }
}
