import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Level, Logger } from 'pino';

/** Probes and scrapes: logged at debug, so an info logger is not flooded by them. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The request's id (given by the client as X-Request-Id when safe, else a random UUID), set by requestLog. */
export function requestIdOf(req: IncomingMessage): string | undefined {
  return (req as { id?: string }).id;
}

function pathOf(url: string | undefined): string {
  const u = url ?? '';
  const q = u.indexOf('?');
  return q < 0 ? u : u.slice(0, q);
}

/** 5xx (or a server fault recorded as res.err) at error, 4xx at warn, probes at debug, everything else at info. */
function levelOf(req: IncomingMessage, res: ServerResponse, fault: unknown): Level {
  if (fault !== undefined || res.statusCode >= 500) return 'error';
  if (res.statusCode >= 400) return 'warn';
  return QUIET_PATHS.has(pathOf(req.url)) ? 'debug' : 'info';
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

function writeLine(logger: Logger, req: IncomingMessage, res: ServerResponse, startedAt: number): void {
  // problemHandler records a server fault as res.err, so the line carries its stack.
  const fault = (res as { err?: unknown }).err;
  const level = levelOf(req, res, fault);
  if (!logger.isLevelEnabled(level)) return;
  const line: Record<string, unknown> = {
    req: requestFields(req),
    res: { statusCode: res.statusCode, headers: res.getHeaders() },
    responseTime: Date.now() - startedAt,
  };
  if (fault !== undefined || res.statusCode >= 500) {
    line.err = fault ?? new Error(`failed with status code ${res.statusCode}`);
    logger[level](line, 'request errored');
  } else {
    logger[level](line, res.writableFinished ? 'request completed' : 'request aborted');
  }
}

/**
 * Gives every request an id (the client's X-Request-Id when it is safe, else a UUID), echoes it as X-Request-Id,
 * and writes one structured line per request when it is done. Nothing is serialised unless the logger will write
 * the line: a silent logger costs one level check per request.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    (req as { id?: string }).id = id;
    res.setHeader('X-Request-Id', id);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // 'error' is the highest level a request line uses: below it (silent, fatal) no line can ever be written.
    if (logger.isLevelEnabled('error')) {
      const startedAt = Date.now();
      res.once('close', () => writeLine(logger, req, res, startedAt));
    }
    next();
  };
}
