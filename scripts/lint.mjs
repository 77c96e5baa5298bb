#!/usr/bin/env node
// The project's linters, as `npm test` runs them: typescript-eslint over every package's TypeScript (rules and
// package layering in eslint.config.mjs), then clang-format over the addon's C++ (style in .clang-format).
// clang-format is a system tool: .ci/run installs it; where it is missing the C++ check is reported as not run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' });

const eslint = run('npx', ['eslint', '--max-warnings', '0', '.']);
if (eslint.status !== 0) {
  console.error('lint: ESLint found problems (npx eslint . --fix repairs some)');
  process.exit(1);
}

const src = 'packages/core-native/src';
const files = readdirSync(src)
  .filter((f) => /\.(cc|h)$/.test(f))
  .map((f) => `${src}/${f}`);
const format = run('clang-format', ['--dry-run', '--Werror', ...files]);
if (format.error?.code === 'ENOENT') {
  console.error('lint: clang-format is not installed, so the C++ formatting was not checked (apt-get install clang-format)');
} else if (format.status !== 0) {
  console.error(`lint: C++ not formatted as .clang-format says (clang-format -i ${src}/*.cc ${src}/*.h)`);
  process.exit(1);
}
console.log('lint: ok');
