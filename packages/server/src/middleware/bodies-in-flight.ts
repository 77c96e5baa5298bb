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
 * memory meanwhile. A body that would take the total past the limit is refused before any of it is read (503 with
 * Retry-After); one large body is always admitted when no other is in flight, so a limit below a route's body
 * limit never makes a valid request impossible. Small bodies (≤ SMALL_BODY) are not counted.
 */
export class BodiesInFlight {
  private bytes = 0;
  private count = 0;

  constructor(readonly limit: number) {}

  /** Counts `bytes` for `res` until it closes, or throws the 503 problem when there is no room. */
  admit(bytes: number, res: ServerResponse): void {
    if (bytes <= SMALL_BODY) return;
    if (this.count > 0 && this.bytes + bytes > this.limit) {
      throw new HttpProblem(
        'server-busy',
        `${this.count} large request bodies (${this.bytes} bytes) are already in flight and this one may be ${bytes} bytes; ` +
          `the server holds at most ${this.limit} bytes of them at once (--max-body-in-flight): retry after ${BUSY_RETRY_AFTER_S} s`,
        { extensions: { limit: this.limit }, headers: { 'Retry-After': String(BUSY_RETRY_AFTER_S) } },
      );
    }
    this.bytes += bytes;
    this.count += 1;
    res.once('close', () => {
      this.bytes -= bytes;
      this.count -= 1;
    });
  }
}
