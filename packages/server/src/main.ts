#!/usr/bin/env node
// `nx run server:serve` / `node packages/server/dist/main.js`: read the configuration, start the server, and on
// SIGTERM or SIGINT stop accepting, let in-flight requests finish (bounded by the shutdown timeout) and exit 0 — or
// 1 when the timeout had to drop some (shutdown.ts, shared with `backprop serve`).
import { readConfig, resolveHost, USAGE } from './config.js';
import { serverLogger } from './log-format.js';
import { startServer } from './server.js';
import { exitCodeOnSignal, warnAboutAdminToken } from './shutdown.js';

async function main(): Promise<void> {
  let config;
  try {
    config = readConfig(process.argv.slice(2), process.env);
    // before any model is loaded or trained: a name that does not resolve is bad input, not a failed start
    if (!config.help) await resolveHost(config.options.host ?? '127.0.0.1');
  } catch (err) {
    process.stderr.write(`backprop server: ${(err as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (config.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const logger = serverLogger(config.logLevel, 'stdout', config.logFormat);
  warnAboutAdminToken(logger, config.options.adminToken);

  let server;
  try {
    server = await startServer({ ...config.options, logger });
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, 'server failed to start');
    process.exit(1);
  }
  process.exit(await exitCodeOnSignal(server, logger));
}

void main();
