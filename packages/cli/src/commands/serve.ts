import { defineCommand, examples, type CommonOptions } from '../command.js';
import * as parse from '../parse.js';
import { UsageError } from '../usage.js';

interface ServeFlags extends CommonOptions {
  model?: string;
  models?: string;
  port: string;
  host: string;
  logFormat?: string;
}

export function serveCommand() {
  return defineCommand<ServeFlags>(
    'serve',
    {
      summary: 'start the REST server with the draw-a-digit page',
      description:
        'Start the REST inference server (API under /v1, draw-a-digit page at /). Without --model it serves a model ' +
        'trained on digits5000 with the seed’s settings (trained at first start, then cached). The server’s other ' +
        'settings come from its environment variables (BACKPROP_ADMIN_TOKEN enables the admin routes, ' +
        'BACKPROP_CACHE_DIR, BACKPROP_BODY_LIMIT, BACKPROP_MAX_BATCH, BACKPROP_SHUTDOWN_TIMEOUT, BACKPROP_LOG_LEVEL, ' +
        'BACKPROP_LOG_FORMAT). Request logs go to stdout, one readable line per event on a terminal and JSON lines ' +
        '(pino) otherwise; with --json they go to stderr and stdout carries one line, {"url": …}, saying where it ' +
        'listens. SIGTERM or Ctrl-C finishes in-flight requests and exits 0, or 1 when the shutdown timeout had to ' +
        'drop some — the same as `node packages/server/dist/main.js`.',
    },
    (cmd) =>
      cmd
        .option('--model <dir-or-file>', 'a model .json, or a directory of them')
        .option('--models <redis-url>', 'share the models with every replica given the same redis://[:password@]host:port[/db]')
        .option('--port <n>', 'TCP port (0 = any free port)', '8080')
        .option('--host <address>', 'interface to listen on: an IP address or a host name that resolves', '127.0.0.1')
        .option('--log-format <json|pretty>', 'log lines as JSON or readable (default: readable on a terminal)')
        .addHelpText('after', examples(['backprop serve', 'backprop serve --model reports/latest/model.json --port 3000', 'backprop serve --models redis://127.0.0.1:6379 --port 0'])),
    async (flags, out) => {
      const port = parse.integer('--port', flags.port, { min: 0, max: 65535 });
      // Loaded lazily: the server (Express, pino, prom-client) is only needed by this command.
      const { exitCodeOnSignal, readConfig, resolveHost, serverLogger, startServer, warnAboutAdminToken } = await import('@backprop/server');
      let config;
      try {
        config = readConfig([...(flags.logFormat !== undefined ? ['--log-format', flags.logFormat] : []), ...(flags.models !== undefined ? ['--models', flags.models] : [])], process.env);
        // every listen option is checked before a model is loaded or trained: --port above, --host here
        await resolveHost(flags.host);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const fromEnv = config.options;
      const logger = serverLogger(config.logLevel, flags.json ? 'stderr' : 'stdout', config.logFormat);
      warnAboutAdminToken(logger, fromEnv.adminToken);
      const server = await startServer({ ...fromEnv, logger, modelPath: flags.model ?? fromEnv.modelPath, port, host: flags.host });
      out.result({ url: server.url });
      out.note(`backprop: serving on ${server.url} (Ctrl-C to stop)`);
      return exitCodeOnSignal(server, logger, (signal) => out.note(`backprop: ${signal}: finishing in-flight requests, then exiting`));
    },
  );
}
