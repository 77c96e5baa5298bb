import { formatBytes, MAX_THREADS } from '@backprop/nn';
import { defineCommand, examples, type CommonOptions } from '../command.js';
import * as parse from '../parse.js';
import { loadQueue } from '../queue/load.js';
import { jobSizeRequest, runJob, stopTrainers } from '../queue/run-job.js';
import { UsageError } from '../usage.js';

interface WorkerFlags extends CommonOptions {
  queue: string;
  concurrency: string;
  threads: string;
  stallSeconds: string;
  memory?: string;
}

export function workerCommand() {
  return defineCommand<WorkerFlags>(
    'worker',
    {
      summary: 'train the jobs of `sweep --queue` from a Redis queue',
      description:
        'Take training jobs from the Redis queue that `backprop sweep --queue` fills and run them, until SIGTERM or ' +
        'Ctrl-C (which lets the running jobs finish). Start any number, on any machines that reach the Redis server; ' +
        'each needs the data: a builtin: set, or the file at the same path (its SHA-256 is checked). A worker killed ' +
        'mid-training loses nothing: after --stall-seconds its job goes to another worker. A job whose training needs ' +
        'more memory than its share of --memory (the estimate `train` prints) fails at once with both sizes, never ' +
        'run and never retried.',
    },
    (cmd) =>
      cmd
        .requiredOption('--queue <url>', 'the Redis server: redis://[:password@]host:port[/db]')
        .option('--concurrency <n>', 'trainings at once', '1')
        .option('--threads <n>', 'BLAS threads of each training', '1')
        .option(
          '--memory <size>',
          'memory this worker\'s trainings may take together, e.g. 8GiB; each job gets it ÷ --concurrency (without it ' +
            'BACKPROP_WORKER_MEMORY, else 3/4 of this machine\'s; give each of several workers on one machine its share)',
        )
        .option('--stall-seconds <s>', 'a job whose worker stops answering for this long is retried by another (more than loading the data takes)', '30')
        .addHelpText('after', examples(['backprop worker --queue redis://127.0.0.1:6379', 'backprop worker --queue redis://:secret@queue.lan:6379/1 --concurrency 2'])),
    async (flags, out) => {
      const concurrency = parse.integer('--concurrency', flags.concurrency, { min: 1, max: 256 });
      const threads = parse.integer('--threads', flags.threads, { min: 1, max: MAX_THREADS });
      const stallSeconds = parse.number('--stall-seconds', flags.stallSeconds, { min: 1, max: 86_400 });
      const { startWorker, parseRedisUrl, parseMemory, defaultWorkerMemory, MEMORY_ENV } = await loadQueue();
      const memoryText = flags.memory ?? process.env[MEMORY_ENV];
      const memory = memoryText === undefined ? defaultWorkerMemory() : parseMemory(memoryText);
      if (memory === undefined) {
        const name = flags.memory === undefined ? MEMORY_ENV : '--memory';
        throw new UsageError(`${name}: expected a size of at least 1 MiB such as 512MiB or 8GiB, got ${JSON.stringify(memoryText)}`);
      }
      let done = 0;
      let failed = 0;
      const worker = await startWorker({
        url: flags.queue,
        concurrency,
        stallSeconds,
        memory,
        size: (job) => jobSizeRequest(job, threads),
        run: (job) => runJob(job, threads, concurrency),
        onEvent: (e) => {
          if (e.type === 'started') {
            const net = e.job.network;
            const shown = (net ? ` ${net.activation.join('+')} → ${net.output}` : '') + (e.job.dtype ? ` ${e.job.dtype}` : '');
            out.note(`worker: job ${e.id} started: λ = ${e.job.lambda}, hidden ${e.job.hidden.join('x')}${shown}`);
          } else if (e.type === 'completed') {
            done++;
            out.note(`worker: job ${e.id} done in ${e.seconds.toFixed(2)} s`);
          } else if (e.type === 'error') out.note(`worker: warning: ${e.message}`);
          else if (e.type === 'connection') out.note(`worker: ${e.message}`);
          else {
            failed++;
            out.note(`worker: job ${e.id} ${e.type}: ${e.reason}`);
          }
        },
      });
      out.note(`worker ${worker.name}: taking jobs from ${parseRedisUrl(flags.queue).shown} (${concurrency} at once × ${threads} BLAS thread${threads === 1 ? '' : 's'}, ${formatBytes(memory / concurrency)} a job; Ctrl-C to stop)`);
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      out.note(`worker: ${signal}: finishing the running jobs, then exiting (again to quit at once)`);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      await worker.close();
      await stopTrainers();
      out.result({ status: 'stopped', worker: worker.name, completed: done, failed });
      return 0;
    },
  );
}
