#!/usr/bin/env node
import { userDirectory } from './paths.js';
import { run } from './program.js';

// `backprop … | head` closes the pipe early: that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

// Relative paths in options are the user's: under `npx nx run cli:train -- --out m.json` we start in packages/cli.
const here = userDirectory();
if (here !== process.cwd()) process.chdir(here);

process.exitCode = await run(process.argv);
