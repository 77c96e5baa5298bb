/**
 * Where things are written. Human output goes to stdout; with --json, stdout carries exactly one JSON object (the
 * result) and everything for humans — progress, notes, warnings — goes to stderr.
 */
export class Output {
  readonly json: boolean;
  readonly verbose: boolean;

  constructor(options: { json?: boolean; verbose?: boolean } = {}) {
    this.json = options.json ?? false;
    this.verbose = options.verbose ?? false;
  }

  /** A line of the command's human-readable result (stdout, or stderr under --json). */
  say(line = ''): void {
    (this.json ? process.stderr : process.stdout).write(line + '\n');
  }

  /** A side note for humans (always stderr). */
  note(line: string): void {
    process.stderr.write(line + '\n');
  }

  /** The command's result object: printed as one JSON line under --json, ignored otherwise. */
  result(value: Record<string, unknown>): void {
    if (this.json) process.stdout.write(JSON.stringify(value, jsonSafe) + '\n');
  }
}

/**
 * Once `stream` is a closed pipe (EPIPE: `backprop … | head` read what it wanted), its output is dropped silently
 * and the command goes on: a training still writes its --out file, reports and checkpoints and exits with its own
 * code, a server keeps serving and still shuts down on SIGTERM. (Exiting from here instead lost the training, and
 * under `serve` hung the process: pino's exit hook retried its flush to the closed pipe forever.) Other errors of
 * the stream are thrown as before.
 */
export function dropOutputOnceClosed(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    // Writes queued before the EPIPE is reported fail with ERR_STREAM_DESTROYED: the same closed pipe.
    if (err.code !== 'EPIPE' && !(closedStreams.has(stream) && err.code === 'ERR_STREAM_DESTROYED')) throw err;
    closedStreams.add(stream);
    stream.write = dropped;
  });
}

const closedStreams = new WeakSet<NodeJS.WriteStream>();

/**
 * Whether `stream`'s reader has gone (see dropOutputOnceClosed): a command whose only product is that output
 * (predict's rows) may stop. The EPIPE arrives as an event, so a loop must yield (setImmediate) to see it.
 */
export function readerGone(stream: NodeJS.WriteStream): boolean {
  return closedStreams.has(stream);
}

function dropped(...args: unknown[]): boolean {
  const callback = args.at(-1);
  if (typeof callback === 'function') process.nextTick(callback);
  return true;
}

/** NaN and ±Infinity become null (JSON has no such numbers); typed arrays become arrays. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

export function percent(v: number | undefined, digits = 2): string {
  return v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`;
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  if (m < 60) return `${m}:${String(s).padStart(2, '0')}`;
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/**
 * A plain text table. `align` has one letter per column, 'l' or 'r' (default: first column left, the rest right,
 * for numbers).
 */
export function table(header: string[], rows: string[][], align?: string): string[] {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const left = (j: number): boolean => (align ? align[j] === 'l' : j === 0);
  const line = (cells: string[]): string =>
    cells.map((c, j) => (left(j) ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}
