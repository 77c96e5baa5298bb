import { existsSync } from 'node:fs';
import { defineCommand, examples, type CommonOptions } from '../command.js';
import { UsageError } from '../usage.js';

interface ServeFlags extends CommonOptions {
  model?: string;
  models?: string;
  port: string;
  host: string;
  logFormat?: string;
}

/** The options `backprop serve` shares with the server's main, each read as there: the option, else its variable. */
const SERVER_OPTIONS = { model: '--model', models: '--models', port: '--port', host: '--host', logFormat: '--log-format' } as const;

export function serveCommand() {
  return defineCommand<ServeFlags>(
    'serve',
    {
      summary: 'start the REST server with the draw-a-digit page',
      description:
        'Start the REST inference server (API under /v1, draw-a-digit page at /). Without --model it serves a model ' +
        'trained on digits5000 with the seed’s settings (trained at first start, then cached). An option not given ' +
        'comes from its environment variable, then its default (BACKPROP_MODEL, BACKPROP_MODELS, BACKPROP_PORT then ' +
        'PORT, BACKPROP_HOST, BACKPROP_LOG_FORMAT); the server’s other settings come from their variables only ' +
        '(BACKPROP_ADMIN_TOKEN enables the admin routes, ' +
        'BACKPROP_CACHE_DIR, BACKPROP_BODY_LIMIT, BACKPROP_MAX_BATCH, BACKPROP_MAX_BODY_IN_FLIGHT, BACKPROP_SHUTDOWN_TIMEOUT, BACKPROP_LOG_LEVEL). ' +
        'Request logs go to stdout, one readable line per event on a terminal and JSON lines ' +
        '(pino) otherwise; with --json they go to stderr and stdout carries one line, {"url": …}, saying where it ' +
        'listens. SIGTERM or Ctrl-C finishes in-flight requests and exits 0, or 1 when the shutdown timeout had to ' +
        'drop some — the same as `node packages/server/dist/main.js`.',
    },
    (cmd) =>
      cmd
        .option('--model <dir-or-file>', 'a model .json, or a directory of them')
        .option('--models <redis-url>', 'share the models with every replica given the same redis://[:password@]host:port[/db]')
        .option('--port <n>', 'TCP port (0 = any free port); without it BACKPROP_PORT, else PORT, else the default', '8080')
        .option('--host <address>', 'interface to listen on: an IP address or a host name that resolves; without it BACKPROP_HOST, else the default', '127.0.0.1')
        .option('--log-format <json|pretty>', 'log lines as JSON or readable (default: readable on a terminal)')
        .addHelpText('after', examples(['backprop serve', 'backprop serve --model reports/latest/model.json --port 3000', 'backprop serve --models redis://127.0.0.1:6379 --port 0'])),
    async (flags, out, command) => {
      // Loaded lazily: the server (Express, pino, prom-client) is only needed by this command.
      const { exitCodeOnSignal, readConfig, resolveHost, serverLogger, startServer, warnAboutAdminToken } = await import('@backprop/server');
      // the options given on the command line, read by the server's own rule (an option, else its variable, else
      // the default): --port and --host only when typed, so that their help defaults do not hide the variables
      const given = Object.entries(SERVER_OPTIONS).flatMap(([key, option]) =>
        command.getOptionValueSource(key) === 'cli' ? [`${option}=${flags[key as keyof typeof SERVER_OPTIONS]}`] : [],
      );
      let config;
      try {
        config = readConfig(given, process.env);
        // every listen option is checked before a model is loaded or trained: --port by readConfig, --host here
        await resolveHost(config.options.host ?? '127.0.0.1');
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      // then the model: a file that is not there, or MAT weights, named as the other commands name them
      if (flags.model !== undefined && !existsSync(flags.model)) throw new UsageError(`--model ${flags.model}: no such file or directory`);
      if (flags.model !== undefined && /\.mat$/i.test(flags.model)) {
        throw new UsageError(`--model ${flags.model}: serve takes model files (.json) or a directory of them, not MAT weights; write one with: backprop export --out model.json ${flags.model}`);
      }
      const logger = serverLogger(config.logLevel, flags.json ? 'stderr' : 'stdout', config.logFormat);
      warnAboutAdminToken(logger, config.options.adminToken);
      const server = await startServer({ ...config.options, logger });
      out.result({ url: server.url });
      out.note(`backprop: serving on ${server.url} (Ctrl-C to stop)`);
      return exitCodeOnSignal(server, logger, (signal) => out.note(`backprop: ${signal}: finishing in-flight requests, then exiting`));
    },
  );
}
