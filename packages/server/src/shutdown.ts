import type { Logger } from 'pino';
import type { RunningServer } from './server.js';

/** What an admin token shorter than this is warned about (by main.js and `backprop serve` alike). */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/** Logs a warning when the admin routes are enabled with a token short enough to guess. */
export function warnAboutAdminToken(logger: Logger, token: string | undefined): void {
  if (token && token.length < MIN_ADMIN_TOKEN_LENGTH) {
    logger.warn(`BACKPROP_ADMIN_TOKEN is shorter than ${MIN_ADMIN_TOKEN_LENGTH} characters; use a long random token`);
  }
}

/**
 * The one shutdown path of `node packages/server/dist/main.js` and `backprop serve`: on the first SIGTERM or
 * SIGINT stop accepting and let in-flight requests finish (close() drops what is still busy at the shutdown
 * timeout); resolves with the exit code — 0 when every request finished, 1 when the timeout had to drop some or
 * closing failed. A second signal exits 1 at once. `onSignal` lets the caller say something first.
 */
export function exitCodeOnSignal(server: RunningServer, logger: Logger, onSignal?: (signal: NodeJS.Signals) => void): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      stopping = true;
      onSignal?.(signal);
      logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
      server.close().then(
        () => {
          logger.info({ forced: server.forced, dropped: server.dropped }, 'server closed');
          resolve(server.forced ? 1 : 0);
        },
        (err: unknown) => {
          logger.error({ err }, 'error while closing');
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
