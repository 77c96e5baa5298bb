import { BackpropError } from '@backprop/nn';

/** The command line itself is wrong: a bad option value, a missing option, options that do not go together. */
export class UsageError extends BackpropError {
  constructor(message: string) {
    super('ERR_USAGE', message);
  }
}

/** Training was interrupted (Ctrl-C / SIGTERM); what could be saved has been saved. Exit code 130. */
export const EXIT_INTERRUPTED = 130;
/** Bad command line. */
export const EXIT_USAGE = 2;
/** Anything else that went wrong (unreadable file, shapes that do not fit, a failed check …). */
export const EXIT_FAILURE = 1;
