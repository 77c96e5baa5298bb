import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { Express } from 'express';

/** The request and response classes of the HTTP servers that serve one app (node:http's ServerOptions). */
export interface RequestClasses {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse;
}

const classesOf = new WeakMap<Express, RequestClasses>();

/**
 * Express gives every request and response its app's prototypes as they arrive:
 * `Object.setPrototypeOf(req, app.request)`, the same for `res`. Changing the prototype of thousands of fresh
 * objects a second makes the garbage collector keep them far longer, and its pauses become the server's p99
 * (PERFORMANCE.md, row 5: the bare Express line beside the server's).
 *
 * So they are: this makes app.request and app.response the prototypes of two subclasses of node:http's
 * IncomingMessage and ServerResponse (same chain below them, same own properties), and HTTP servers created with
 * those classes hand Express objects whose prototype is already the one it sets — the swap is then a no-op.
 * Requests that reach the app some other way (a server made without the classes, a parent app) still get the
 * swap and work as before. app.listen then creates its server with the classes; returns them, for servers made
 * elsewhere (http.createServer({ ...options, ...classes }, handler)).
 */
export function installRequestClasses(app: Express): RequestClasses {
  const existing = classesOf.get(app);
  if (existing) return existing;
  class Request extends IncomingMessage {}
  class Response extends ServerResponse {}
  adoptPrototype(Request.prototype, app.request);
  adoptPrototype(Response.prototype, app.response);
  app.request = Request.prototype as unknown as Express['request'];
  app.response = Response.prototype as unknown as Express['response'];
  const classes = { IncomingMessage: Request, ServerResponse: Response } as RequestClasses;
  classesOf.set(app, classes);
  listenWith(app, classes);
  return classes;
}

/** `target` takes `source`'s place: the same prototype and the same own properties (Express's `app`). */
function adoptPrototype(target: object, source: object): void {
  Object.setPrototypeOf(target, Object.getPrototypeOf(source));
  for (const key of Reflect.ownKeys(source)) {
    Object.defineProperty(target, key, Object.getOwnPropertyDescriptor(source, key)!);
  }
}

/**
 * app.listen as Express defines it (http.createServer(app).listen(...args); a listen error also goes to a trailing
 * callback, which runs once), on a server with the app's request classes.
 */
function listenWith(app: Express, classes: RequestClasses): void {
  app.listen = ((...args: unknown[]) => {
    const server = createServer(classes, app);
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      let called = false;
      const once = (...cbArgs: unknown[]) => {
        if (called) return;
        called = true;
        (last as (...a: unknown[]) => void)(...cbArgs);
      };
      args[args.length - 1] = once;
      server.once('error', once);
    }
    return server.listen(...(args as Parameters<Server['listen']>));
  }) as Express['listen'];
}
