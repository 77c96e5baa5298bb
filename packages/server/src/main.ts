#!/usr/bin/env node
// `nx run server:serve` / `node packages/server/dist/main.js`: read the configuration, start the server, and on
// SIGTERM or SIGINT stop accepting, let in-flight requests finish (bounded by the shutdown timeout) and exit 0.
import { readConfig, USAGE } from './config.js';
import { serverLogger } from './logger.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = readConfig(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`backprop server: ${(err as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (config.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const logger = serverLogger(config.logLevel);
  if (config.options.adminToken && config.options.adminToken.length < 16) {
    logger.warn('BACKPROP_ADMIN_TOKEN is shorter than 16 characters; use a long random token');
  }

  let server;
  try {
    server = await startServer({ ...config.options, logger });
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, 'server failed to start');
    process.exit(1);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    server.close().then(
      () => {
        logger.info({ forced: server.forced }, 'server closed');
        process.exit(server.forced ? 1 : 0);
      },
      (err: unknown) => {
        logger.error({ err }, 'error while closing');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
