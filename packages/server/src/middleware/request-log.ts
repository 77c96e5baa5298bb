import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Level, Logger } from 'pino';

/** Probes and scrapes: logged at debug, so an info logger is not flooded by them. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The request's id (given by the client as X-Request-Id when safe, else a random UUID), set by requestLog. */
export function requestIdOf(req: IncomingMessage): string | undefined {
  return (req as { id?: string }).id;
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '').split('?')[0];
}

/**
 * A server fault (recorded as res.err) at error; /readyz's 503 ("not ready yet", expected while the default model
 * is prepared, polled by every orchestrator) at info; other 5xx at error; 4xx at warn; probes at debug; the rest
 * at info.
 */
function levelOf(req: IncomingMessage, res: ServerResponse, fault: unknown, outcome: RequestOutcome): Level {
  if (fault !== undefined || outcome === 'dropped') return 'error';
  if (res.statusCode === 503 && pathOf(req) === '/readyz') return 'info';
  if (res.statusCode >= 500) return 'error';
  if (res.statusCode >= 400) return 'warn';
  return QUIET_PATHS.has(pathOf(req)) ? 'debug' : 'info';
}

/** Only what an operator needs; never Authorization or Cookie headers. */
function requestFields(req: IncomingMessage) {
  return {
    id: requestIdOf(req),
    method: req.method,
    url: req.url,
    remoteAddress: req.socket?.remoteAddress,
    userAgent: req.headers['user-agent'],
    contentLength: req.headers['content-length'],
  };
}

/** How a request ended: its response sent whole, the client gone first, or dropped at the shutdown timeout. */
export type RequestOutcome = 'completed' | 'aborted' | 'dropped';

/**
 * Writes the request's one structured line, once it is done, at levelOf's level. Only a server fault carries a stack
 * (its own); a 5xx answered on purpose (a problem document such as /readyz's 503 or a model not ready) has none to
 * give. Nothing is serialised unless the logger writes that level.
 */
export function logRequest(
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  responseTimeMs: number,
  outcome: RequestOutcome = res.writableFinished ? 'completed' : 'aborted',
): void {
  // problemHandler records a server fault as res.err, so the line carries its stack.
  const fault = (res as { err?: unknown }).err;
  const level = levelOf(req, res, fault, outcome);
  if (!logger.isLevelEnabled(level)) return;
  const line: Record<string, unknown> = {
    req: requestFields(req),
    // A dropped request's status code is only what its handler had set: no answer reached the client.
    res: outcome === 'dropped' ? { outcome } : { statusCode: res.statusCode, headers: res.getHeaders() },
    responseTime: Math.round(responseTimeMs),
  };
  if (outcome === 'dropped') {
    logger[level](line, 'request dropped: unanswered at the shutdown timeout');
  } else if (fault !== undefined) {
    line.err = fault;
    logger[level](line, 'request errored');
  } else if (level === 'error') {
    logger[level](line, 'request errored');
  } else {
    logger[level](line, outcome === 'completed' ? 'request completed' : 'request aborted');
  }
}

/** Gives the request its id (the client's X-Request-Id when it is safe, else a UUID) and echoes it as X-Request-Id. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): void {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
  (req as { id?: string }).id = id;
  res.setHeader('X-Request-Id', id);
}
