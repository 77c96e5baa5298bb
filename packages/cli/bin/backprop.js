#!/usr/bin/env node
// The `backprop` command as npm links it (node_modules/.bin/backprop). It is committed, executable, and exists
// before anything is built, so `npm ci` can link it and a build restored from nx's cache (which writes dist/ with
// mode 0644) cannot break it: it only loads the compiled CLI, dist/main.js. When that (or a package it imports) has
// not been built yet, it says which command builds it and exits 2.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
const BUILD = 'build it first: `npx nx run cli:build` (or `npm run build`) in the backprop workspace';

function notBuilt(what) {
  process.stderr.write(`backprop: ${what} is not built; ${BUILD}\n`);
  process.exit(2);
}

if (!existsSync(main)) notBuilt('the CLI (packages/cli/dist/main.js)');
try {
  await import(main.href);
} catch (error) {
  // A workspace package the CLI imports has no dist/ yet: the same fix. Anything else is a real error.
  const missing = error?.code === 'ERR_MODULE_NOT_FOUND' && /'([^']*[\\/]dist[\\/][^']*)'/.exec(String(error.message));
  if (!missing) throw error;
  notBuilt(`a package it needs (${missing[1]} is missing)`);
}
