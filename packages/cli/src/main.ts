#!/usr/bin/env node
import { dropOutputOnceClosed } from './output.js';
import { userDirectory } from './paths.js';
import { run } from './program.js';

// `backprop … | head` closes the pipe early: later output is dropped, the command still finishes (see output.ts).
for (const stream of [process.stdout, process.stderr]) dropOutputOnceClosed(stream);

// Relative paths in options are the user's: under `npx nx run cli:train -- --out m.json` we start in packages/cli.
const here = userDirectory();
if (here !== process.cwd()) process.chdir(here);

process.exitCode = await run(process.argv);
