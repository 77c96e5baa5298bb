import { defineCommand, examples, type CommonOptions } from '../command.js';
import * as parse from '../parse.js';

interface ServeFlags extends CommonOptions {
  model?: string;
  port: string;
  host: string;
}

export function serveCommand() {
  return defineCommand<ServeFlags>(
    'serve',
    {
      summary: 'start the REST server with the draw-a-digit page',
      description:
        'Start the REST inference server with the draw-a-digit page. Without --model it serves a model trained on ' +
          'digits5000 with the seed’s settings (trained at first start, then cached).',
    },
    (cmd) =>
      cmd
        .option('--model <dir-or-file>', 'a model .json, or a directory of them')
        .option('--port <n>', 'TCP port (0 = any free port)', '8080')
        .option('--host <address>', 'interface to listen on', '127.0.0.1')
        .addHelpText('after', examples(['backprop serve', 'backprop serve --model reports/latest/model.json --port 3000'])),
    async (flags, out) => {
      const port = parse.integer('--port', flags.port, { min: 0, max: 65535 });
      const { startServer } = await import('@backprop/server');
      const server = await startServer({ modelPath: flags.model, port, host: flags.host });
      out.note(`backprop: serving on ${server.url} (Ctrl-C to stop)`);
      out.result({ url: server.url });
      await new Promise<void>((done) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          out.note('backprop: shutting down');
          server.close().then(done, done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    },
  );
}
