import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler } from 'express';
import { HttpProblem } from '../problem.js';

/** packages/server/public — the draw-a-digit page (src/routes and dist/routes are both two levels below). */
export const publicDir = fileURLToPath(new URL('../../public/', import.meta.url));

/**
 * The compiled image preprocessing of @backprop/nn (dist/image/preprocess.js has no imports), served to the
 * browser so that a drawing becomes a model input exactly the way the training images were made.
 */
export function preprocessModulePath(): string {
  const nnPackageJson = createRequire(import.meta.url).resolve('@backprop/nn/package.json');
  return join(dirname(nnPackageJson), 'dist', 'image', 'preprocess.js');
}

const PAGE_SECURITY = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
};

/** GET / */
export const indexPage: RequestHandler = (_req, res, next) => {
  res.set(PAGE_SECURITY).set('Cache-Control', 'no-cache');
  res.sendFile(join(publicDir, 'index.html'), (err) => {
    if (err) next(err);
  });
};

/** GET /assets/preprocess.js */
export function preprocessScript(): RequestHandler {
  const path = preprocessModulePath();
  return (_req, res, next) => {
    if (!existsSync(path)) {
      throw new HttpProblem('not-found', 'the browser preprocessing module is missing: build @backprop/nn (npx tsc -b packages/nn)');
    }
    res.set('Cache-Control', 'no-cache').type('text/javascript');
    res.sendFile(path, (err) => {
      if (err) next(err);
    });
  };
}

/** /static/* — the page's script and stylesheet. */
export function staticFiles(): RequestHandler {
  const serve = express.static(publicDir, { index: false, fallthrough: true, maxAge: 0 });
  return (req, res, next) => {
    res.locals.routeLabel = '/static';
    serve(req, res, next);
  };
}
