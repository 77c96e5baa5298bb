// Runs fuzz cases in a child process for fuzz.mjs, which watches it: each result is sent as the case finishes, so
// the case in progress is always the one after the last result. When a case hangs, aborts the process (a V8
// out-of-memory is fatal to the whole process, even in a worker thread) or grows the RSS past the bound, the parent
// kills this child, records the case, and starts a new child after it.
import { pathToFileURL } from 'node:url';
import { makeCase, prepare, runCase } from './harness.mjs';

const { formatName, libPath, root, seed, start, end, hangMs } = JSON.parse(process.argv[2]);
const lib = await import(pathToFileURL(libPath).href);
const prepared = prepare(formatName, lib, root);

function send(message) {
  return new Promise((resolve) => process.send(message, resolve));
}

for (let i = start; i < end; i++) {
  const c = makeCase(prepared, seed, i);
  const r = runCase(prepared, lib, c.input, hangMs);
  // Waiting for each send keeps the parent's view of "the case in progress" exact.
  await send({ c: { index: c.index, seedName: c.seedName, ops: c.ops }, r, rss: process.memoryUsage.rss() });
}
await send({ done: true });
process.disconnect();
