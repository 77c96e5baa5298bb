import type { ServerResponse } from 'node:http';
import { HttpProblem } from '../problem.js';

/** Responses whose `100 Continue` waits for the route to admit the body (startServer's `checkContinue`). */
const continueDeferred = new WeakSet<ServerResponse>();

/** Holds back node's automatic `100 Continue` for `res`: the route sends it once it admits the body (sendContinue). */
export function deferContinue(res: ServerResponse): void {
  continueDeferred.add(res);
}

/**
 * Tells a client that sent `Expect: 100-continue` to send its body, now that it is admitted. Until then it has sent
 * none, so a refusal (413, 503) costs it nothing and its connection closes cleanly.
 */
export function sendContinue(res: ServerResponse): void {
  if (!continueDeferred.delete(res) || res.headersSent) return;
  res.writeContinue();
}

/** A body of at most this many bytes is small: never counted, never refused for the bodies of others. */
export const SMALL_BODY = 1024 * 1024;

/** What a refused client is told to wait, in seconds: about the time one large body takes to be read and answered. */
export const BUSY_RETRY_AFTER_S = 2;

/**
 * The bytes of large request bodies the server holds at once (--max-body-in-flight): each large body counts from
 * when its route admits it until its response is done, as the body, its parsed value and its answer are all in
 * memory meanwhile. A body of declared length that would take the total past the limit is refused before any of it
 * is read (503 with Retry-After); a body of unknown length (chunked, or encoded) counts as it arrives and is refused
 * when it grows past the room left. One large body is always admitted when no other is in flight, so a limit below
 * a route's body limit never makes a valid request impossible. Small bodies (≤ SMALL_BODY) are not counted.
 */
export class BodiesInFlight {
  private bytes = 0;
  private count = 0;

  constructor(readonly limit: number) {}

  /** Counts `bytes` for `res` until it closes, or throws the 503 problem when there is no room. */
  admit(bytes: number, res: ServerResponse): void {
    if (bytes <= SMALL_BODY) return;
    if (this.count > 0 && this.bytes + bytes > this.limit) throw this.busy(this.count, this.bytes, bytes);
    this.bytes += bytes;
    this.count += 1;
    res.once('close', () => {
      this.bytes -= bytes;
      this.count -= 1;
    });
  }

  /**
   * For a body of unknown length: a function to call with the bytes held so far, which counts them from the first
   * byte past SMALL_BODY on and throws the 503 problem when they would take the total past the limit (unless this
   * body is the only large one). So a small chunked or gzipped body is never refused for what it might grow to.
   */
  growing(res: ServerResponse): (held: number) => void {
    let counted = 0;
    return (held) => {
      if (held <= SMALL_BODY || held <= counted) return;
      const others = counted > 0 ? this.count - 1 : this.count;
      const othersBytes = this.bytes - counted;
      if (others > 0 && othersBytes + held > this.limit) throw this.busy(others, othersBytes, held);
      if (counted === 0) {
        this.count += 1;
        res.once('close', () => {
          this.bytes -= counted;
          this.count -= 1;
        });
      }
      this.bytes += held - counted;
      counted = held;
    };
  }

  private busy(count: number, bytes: number, mine: number): HttpProblem {
    return new HttpProblem(
      'server-busy',
      `${count} large request bodies (${bytes} bytes) are already in flight and this one may be ${mine} bytes; ` +
        `the server holds at most ${this.limit} bytes of them at once (--max-body-in-flight): retry after ${BUSY_RETRY_AFTER_S} s`,
      { extensions: { limit: this.limit }, headers: { 'Retry-After': String(BUSY_RETRY_AFTER_S) } },
    );
  }
}
