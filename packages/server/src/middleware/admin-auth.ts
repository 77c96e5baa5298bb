import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpProblem } from '../problem.js';

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Guards the admin routes with a bearer token. Without a configured token the routes are disabled (403), not
 * open. Tokens are compared as SHA-256 digests with timingSafeEqual: equal-length buffers, constant time, and the
 * token's length does not leak either.
 */
export function requireAdmin(token: string | undefined): RequestHandler {
  const expected = token ? sha256(token) : undefined;
  return (req, _res, next) => {
    if (!expected) {
      throw new HttpProblem(
        'admin-disabled',
        'admin routes are disabled on this server: start it with BACKPROP_ADMIN_TOKEN set to enable model upload, delete and reload',
      );
    }
    const header = req.get('authorization');
    const match = header ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      throw new HttpProblem(
        'unauthorized',
        header ? 'Authorization header: expected "Bearer <token>"' : 'this route needs an Authorization: Bearer <token> header',
        { headers: { 'WWW-Authenticate': 'Bearer realm="backprop-admin"' } },
      );
    }
    if (!timingSafeEqual(sha256(match[1]), expected)) {
      throw new HttpProblem('forbidden', 'the bearer token does not match the admin token');
    }
    next();
  };
}
