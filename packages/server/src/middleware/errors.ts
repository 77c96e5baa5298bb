import type { ErrorRequestHandler, RequestHandler } from 'express';
import { BackpropError } from '@backprop/nn';
import { HttpProblem, type ProblemSlug } from '../problem.js';
import { requestIdOf } from './request-log.js';

/** The catch-all after every route: an unknown path is a 404 problem like any other. */
export const notFound: RequestHandler = (req) => {
  throw new HttpProblem('not-found', `no route for ${req.method} ${req.path}; the API is described at /openapi.json`);
};

/** The library's and the registry's error codes that are the client's doing, and the problem each one is. */
const PROBLEM_OF_CODE: Record<string, ProblemSlug> = {
  ERR_INVALID_MODEL_NAME: 'invalid-model-name',
  ERR_MODEL_NOT_FOUND: 'model-not-found',
  ERR_MODEL_NOT_RELOADABLE: 'model-not-reloadable',
  ERR_MODEL_FORMAT: 'invalid-model',
  ERR_MODEL_DOCUMENT_TOO_LARGE: 'invalid-model',
  ERR_IMAGE: 'picture-failed',
  ERR_SHAPE: 'invalid-input',
  ERR_INVALID_ARGUMENT: 'invalid-input',
};

interface HttpError extends Error {
  status?: number;
  expose?: boolean;
}

/** Maps anything thrown by a route, middleware or the library to an HttpProblem; `undefined` means a server fault. */
export function toHttpProblem(err: unknown): HttpProblem | undefined {
  if (err instanceof HttpProblem) return err;
  // Request bodies are read by json-body.ts, which throws HttpProblems of its own.
  if (err instanceof BackpropError) {
    if (err.code === 'ERR_MODEL_NOT_READY') {
      return new HttpProblem('model-not-ready', err.message, { headers: { 'Retry-After': '5' }, cause: err });
    }
    if (err.code === 'ERR_MODEL_STORAGE') {
      const errno = (err as { errno?: unknown }).errno;
      if (errno === 'ETIMEDOUT') return new HttpProblem('store-outcome-unknown', err.message, { extensions: { errno }, cause: err });
      const full = errno === 'ENOSPC' || errno === 'EDQUOT';
      return new HttpProblem(full ? 'insufficient-storage' : 'storage-unavailable', err.message, { extensions: { errno }, cause: err });
    }
    const slug = Object.hasOwn(PROBLEM_OF_CODE, err.code) ? PROBLEM_OF_CODE[err.code] : undefined;
    if (slug) return new HttpProblem(slug, err.message, { cause: err });
  }
  // A path whose percent-escapes do not decode (Express's router rethrows decodeURIComponent's URIError).
  if (err instanceof URIError) {
    return new HttpProblem('bad-request', `the request path has a malformed percent-escape: ${err.message}`, { cause: err });
  }
  // Other client errors raised by Express internals (http-errors with expose = true).
  const e = err as HttpError;
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    return new HttpProblem('bad-request', e.message, { cause: err });
  }
  return undefined;
}

/**
 * The one error handler: every error becomes application/problem+json (RFC 9457) with a clear detail. Server
 * faults are logged with their stack and answered with a generic 500 — stacks never reach the client.
 */
export const problemHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  let problem = toHttpProblem(err);
  if (!problem) {
    // requestLog writes res.err with the request's log line.
    (res as unknown as { err?: unknown }).err = err;
    problem = new HttpProblem('internal', 'the server failed to handle this request; the error has been logged');
  }
  const doc = problem.toProblem(req.originalUrl.split('?')[0]);
  const id = requestIdOf(req);
  if (id !== undefined) doc.requestId = id;
  res.status(problem.status).set(problem.headers).type('application/problem+json').send(JSON.stringify(doc));
};
