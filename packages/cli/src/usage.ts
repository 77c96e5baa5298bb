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

/**
 * Bad input: the command line, or a file or picture the user gave that cannot be used (malformed, wrong shape,
 * labels that do not fit, a model or checkpoint file that is not one or does not fit). These exit with EXIT_USAGE; everything else that fails
 * while running (a file that cannot be written, a backend that cannot load, a numerical failure) with EXIT_FAILURE.
 */
const BAD_INPUT =
  /^ERR_(USAGE|INVALID_ARGUMENT|SHAPE|CSV_\w+|IDX_\w+|MAT_\w+|IMAGE|MODEL_FORMAT|CHECKPOINT|DATASET_(SHAPE|LABELS|UNKNOWN)|BENCH_OPTION|BUFFER_TOO_LARGE|QUEUE_URL)$/;

/** The exit code for an error that ended a command. */
export function exitCodeOf(err: unknown): number {
  const e = err as { code?: unknown; path?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (BAD_INPUT.test(code)) return EXIT_USAGE;
  // a data file that cannot be read is bad input; one that cannot be written is a failure while running
  // (the library's own message decides: an error re-said to name the flag, see aboutFile, carries it as its cause)
  if (code === 'ERR_DATA_FILE') {
    const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
    const message = cause?.code === code ? cause.message : e?.message;
    return typeof message === 'string' && message.startsWith('cannot read') ? EXIT_USAGE : EXIT_FAILURE;
  }
  return EXIT_FAILURE;
}
