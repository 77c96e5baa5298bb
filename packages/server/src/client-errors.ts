import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { HttpProblem } from './problem.js';

/** After the problem is written: how long the client may take to read it and close, before the socket is cut. */
const LINGER_MS = 2_000;

export interface ClientErrorOptions {
  logger: Logger;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

type ParserError = Error & { code?: string; reason?: string };

/** The problem a request node:http could not parse, or did not receive in time, is answered with. */
function problemOf(err: ParserError, afterRequest: boolean, options: ClientErrorOptions): HttpProblem {
  const extensions = { code: err.code };
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new HttpProblem(
        'request-timeout',
        `the request did not arrive in time: its headers must arrive within ${options.headersTimeoutMs} ms and the whole request, ` +
          `body included, within ${options.requestTimeoutMs} ms of its start`,
        { extensions },
      );
    case 'HPE_HEADER_OVERFLOW':
      return new HttpProblem('headers-too-large', `the request line and headers are larger than ${maxHeaderSize} bytes`, { extensions });
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new HttpProblem('body-too-large', 'the chunk extensions of the request body are too large', { extensions });
    default: {
      const where = afterRequest ? ' after the end of the previous request on this connection (was its body longer than its Content-Length?)' : '';
      return new HttpProblem('bad-request', `the request is not valid HTTP/1.1${where}: ${err.reason ?? err.message}`, { extensions });
    }
  }
}

/**
 * node:http's `clientError` hook: a request its parser refuses (a malformed request line, Transfer-Encoding with
 * Content-Length, too large headers) or that does not arrive within the timeouts is answered with an RFC 9457
 * problem, as every other error of the server, instead of node's empty 400/408/431 — when the socket can still
 * carry it. A response still being written for an earlier request on the connection goes out first; a request
 * that timed out is answered at once (its own response would wait for the body forever). Logged once, at warn.
 */
export function answerClientErrors(options: ClientErrorOptions): (err: ParserError, socket: Socket) => void {
  const answered = new WeakSet<Socket>();
  return (err, socket) => {
    if (answered.has(socket)) return;
    answered.add(socket);
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const pending = (socket as Socket & { _httpMessage?: NodeJS.WritableStream & { writableFinished: boolean } })._httpMessage;
    const earlier = pending !== undefined && err.code !== 'ERR_HTTP_REQUEST_TIMEOUT' && !pending.writableFinished ? pending : undefined;
    const problem = problemOf(err, pending !== undefined, options);
    options.logger.warn({ code: err.code, status: problem.status, remoteAddress: socket.remoteAddress }, `client error: ${problem.message}`);
    let done = false;
    const answer = (): void => {
      if (done) return;
      done = true;
      if (!socket.writable) {
        socket.destroy();
        return;
      }
      const body = JSON.stringify(problem.toProblem());
      socket.end(
        `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\nContent-Type: application/problem+json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
      );
      const timer = setTimeout(() => socket.destroy(), LINGER_MS);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
    };
    if (earlier) {
      earlier.once('finish', answer);
      earlier.once('close', answer);
    } else answer();
  };
}
