#!/usr/bin/env node
// Builds the addon with cmake-js, once per CPU class (build/Release/backprop_native_<class>.node: x86-64-v4,
// x86-64-v3 and x86-64 with GCC on x86-64, else one `baseline`; see CMakeLists.txt). Runs from the package's
// `install` script (npm install / npm ci) and from `npm run build`. Each class this CPU runs is smoke-loaded; a
// class the compiler does not know is skipped (CMake says so), and the status file lists what was built.
//
// When cmake, a C++ compiler or OpenBLAS is missing, or the compile fails, it prints ONE block saying what is
// missing and how to fix it, records the reason in build/native-build-status.json and exits 0, so that
// `npm install` still succeeds and @backprop/nn falls back to its pure-TS backend. npm hides this block; the
// status file is what the first run that falls back quotes (pointing at `backprop doctor`).
//
// The prerequisites are detected by toolchain.mjs; BACKPROP_OPENBLAS_PREFIXES (a path list) makes both the check
// and CMake look for OpenBLAS under those prefixes only. nx rebuilds when fingerprint.mjs's output changes.
//
//   node scripts/build-addon.mjs              Release build -> build/Release/backprop_native_<class>.node
//   node scripts/build-addon.mjs --sanitize   ASan+UBSan debug build -> build/Sanitize/backprop_native_x86-64.node
//   node scripts/build-addon.mjs --strict     exit 1 on any failure (CI, sanitizer targets)
//   node scripts/build-addon.mjs --verbose    show the full cmake-js output
//
// Offline: package.json declares `binary.napi_versions`, so cmake-js builds against the Node-API headers of its
// own node-api-headers dependency and never downloads Node's headers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INSTALL_COMMAND, openBlasPrefixes, probeToolchain, REBUILD_COMMANDS } from './toolchain.mjs';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const strict = args.has('--strict');
const sanitize = args.has('--sanitize');
const verbose = args.has('--verbose');
const config = sanitize ? 'Sanitize' : 'Release';
const buildDir = join(packageDir, 'build');
// The sanitizer build gets its own CMake tree so that it never reuses the Release cache.
const treeDir = sanitize ? join(buildDir, 'Sanitize') : buildDir;
const outputDir = join(buildDir, config);
const ADDON = /^backprop_native(_.+)?\.node$/;
const statusPath = sanitize ? join(outputDir, 'native-build-status.json') : join(buildDir, 'native-build-status.json');
const INSTALL_HINT = `sudo ${INSTALL_COMMAND}`;
const REBUILD = REBUILD_COMMANDS[0];
const TAG = '[core-native]';

function writeStatus(status) {
  mkdirSync(dirname(statusPath), { recursive: true });
  const record = { ...status, config, node: process.version, modules: process.versions.modules, at: new Date().toISOString() };
  writeFileSync(statusPath, JSON.stringify(record, null, 2) + '\n');
}

/** The addons in build/<config>: { isa, file } for each backprop_native_<isa>.node. */
function builtAddons() {
  const names = existsSync(outputDir) ? readdirSync(outputDir).filter((name) => ADDON.test(name)) : [];
  const addons = names.map((name) => ({ isa: ADDON.exec(name)[1]?.slice(1) ?? 'none', file: join(outputDir, name) }));
  // Best class first: x86-64-v4, x86-64-v3, x86-64 sort so in reverse.
  return addons.sort((a, b) => (a.isa < b.isa ? 1 : a.isa > b.isa ? -1 : 0));
}

function fail(reason, hint, detail) {
  // An addon left by an earlier build would be loaded instead of the failure being reported (and nx would cache
  // it as this build's output): the status file and the binaries must agree.
  for (const { file } of builtAddons()) rmSync(file, { force: true });
  writeStatus({ ok: false, reason, hint });
  const rule = `${TAG} ${'-'.repeat(76)}`;
  const lines = [rule, `${TAG} native addon (${config}) NOT built: ${reason}`];
  if (detail) for (const line of detail.split('\n')) lines.push(`${TAG}   | ${line}`);
  lines.push(`${TAG} fix: ${hint}`);
  lines.push(`${TAG} until then @backprop/nn uses its pure-TypeScript backend (same results, slower).`);
  lines.push(rule);
  console.error(lines.join('\n'));
  process.exit(strict ? 1 : 0);
}

function lastLines(text, count) {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

// --- 1. prerequisites (toolchain.mjs) ------------------------------------------------------------------
const toolchain = probeToolchain();
if (toolchain.missing.length > 0) {
  fail(`missing ${toolchain.missing.join(', ')}`, `${INSTALL_HINT} && ${REBUILD}`);
}

// --- 2. compile with cmake-js -----------------------------------------------------------------------------
let cmakeJs;
try {
  cmakeJs = join(dirname(createRequire(import.meta.url).resolve('cmake-js/package.json')), 'bin', 'cmake-js');
} catch (error) {
  fail('the cmake-js package is not installed', 'npm install (cmake-js is a dependency of @backprop/core-native)', error.message);
}
const cmakeArgs = [cmakeJs, 'compile', '--directory', packageDir, '--config', config, '--out', treeDir];
// With BACKPROP_OPENBLAS_PREFIXES, CMake looks where the check above looked: in those prefixes, not pkg-config.
// Passed on every build, because CMake keeps these settings in its cache between builds.
const { prefixes, overridden } = openBlasPrefixes();
cmakeArgs.push(`--CDBACKPROP_USE_PKG_CONFIG=${overridden ? 'OFF' : 'ON'}`);
if (overridden) {
  cmakeArgs.push(`--CDCMAKE_PREFIX_PATH=${prefixes.join(';')}`, `--CDCBLAS_INCLUDE_DIR=${dirname(toolchain.openblas.header)}`);
}
// Addons of an earlier build (a class since skipped, or the single file of older versions) must not stay behind.
for (const { file } of builtAddons()) rmSync(file, { force: true });
console.log(`${TAG} building ${relative(packageDir, outputDir)}/backprop_native_<class>.node with cmake-js (${config})`);
const build = spawnSync(process.execPath, cmakeArgs, {
  cwd: packageDir,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
  stdio: verbose ? 'inherit' : 'pipe',
});
const output = `${build.stdout ?? ''}${build.stderr ?? ''}`;
const addons = builtAddons();
if (build.error || build.status !== 0 || addons.length === 0) {
  fail(
    build.error ? `cmake-js could not run (${build.error.message})` : 'the compile failed',
    `check the build tools (${INSTALL_HINT}), then see the whole output: node scripts/build-addon.mjs --verbose (in packages/core-native)`,
    lastLines(output, 25),
  );
}

// --- 3. smoke-load each Release addon in a child process (catches e.g. libopenblas.so.0 missing at run time) ---
// A class above this CPU's answers with its own error (ERR_ISA_UNSUPPORTED) and is reported as built, not run.
// The sanitizer build needs libasan preloaded, so it is only compiled here.
// Written by CMakeLists.txt when it configures: the classes the compiler has no -march for.
const skipped = (existsSync(join(treeDir, 'skipped-classes.txt')) ? readFileSync(join(treeDir, 'skipped-classes.txt'), 'utf8') : '')
  .split(';')
  .map((name) => name.trim())
  .filter((name) => name !== '');
const records = {};
const lines = [];
for (const { isa, file } of addons) {
  if (sanitize) {
    records[isa] = { path: file };
    lines.push(`${isa} (ASan+UBSan; load with LD_PRELOAD=$(gcc -print-file-name=libasan.so))`);
    continue;
  }
  const probe = `const b = require(${JSON.stringify(file)}); process.stdout.write(b.blasInfo().config);`;
  const smoke = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
  if (smoke.status === 0) {
    records[isa] = { path: file, runs: true, blas: smoke.stdout };
    lines.push(`${isa}: loads, on ${smoke.stdout}`);
  } else if (/ERR_ISA_UNSUPPORTED/.test(smoke.stderr)) {
    records[isa] = { path: file, runs: false };
    lines.push(`${isa}: built; this CPU cannot run it`);
  } else {
    fail(`${relative(packageDir, file)} was built but cannot be loaded`, `${INSTALL_HINT} && ${REBUILD}`, lastLines(smoke.stderr, 10));
  }
}
for (const isa of skipped) lines.push(`${isa}: skipped (the compiler does not know -march=${isa})`);
if (!sanitize && !Object.values(records).some((r) => r.runs)) {
  fail('no addon built that this CPU can run', `${INSTALL_HINT} && ${REBUILD}`, lines.join('\n'));
}
const runnable = Object.values(records).find((r) => r.runs);
writeStatus({ ok: true, addons: records, skipped, ...(runnable ? { blas: runnable.blas } : {}) });
console.log(`${TAG} built ${relative(packageDir, outputDir)}/backprop_native_<class>.node:`);
for (const line of lines) console.log(`${TAG}   ${line}`);
