// What the addon's build needs from the system — OpenBLAS's development files, a C++ compiler, cmake — found the
// way build-addon.mjs looks for them. The one place these are detected: build-addon.mjs checks its prerequisites
// with it, fingerprint.mjs prints it for nx (so installing or upgrading any of them invalidates the cached build)
// and `backprop doctor` reports it.
//
// BACKPROP_OPENBLAS_PREFIXES (a path list, like PATH) replaces the default install prefixes searched for OpenBLAS
// (each prefix's include/ and lib/ trees) and turns off the pkg-config lookup: it points the build at an OpenBLAS
// of your own, and lets the tests show a machine without one (an empty directory).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** Where OpenBLAS is looked for when pkg-config does not know it (Debian/Ubuntu, /usr/local, Homebrew). */
export const DEFAULT_OPENBLAS_PREFIXES = ['/usr', '/usr/local', '/opt/homebrew/opt/openblas', '/usr/local/opt/openblas'];

/** The system packages that provide everything, and the commands that build the addon afterwards. */
export const INSTALL_COMMAND = 'apt-get install -y libopenblas-dev cmake g++ pkg-config';
export const REBUILD_COMMANDS = ['npm rebuild @backprop/core-native', 'npx nx run core-native:build'];

/** First line of `command args` on success, else undefined (not installed, or it failed). */
function firstLine(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  if (result.error || result.status !== 0) return undefined;
  return `${result.stdout}`.split('\n')[0].trim() || undefined;
}

function subdirectories(dir) {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
}

/** The prefixes to search: BACKPROP_OPENBLAS_PREFIXES when set and not empty, else the default ones. */
export function openBlasPrefixes(env = process.env) {
  const override = env.BACKPROP_OPENBLAS_PREFIXES;
  if (override === undefined || override === '') return { prefixes: DEFAULT_OPENBLAS_PREFIXES, overridden: false };
  return { prefixes: override.split(delimiter).filter((p) => p !== ''), overridden: true };
}

// cblas.h of OpenBLAS (it has openblas_config.h beside it) under `include`, or one or two levels below it (e.g.
// openblas/, or Debian's x86_64-linux-gnu/openblas-pthread/).
function findHeader(include) {
  const candidates = [join(include, 'cblas.h'), join(include, 'openblas', 'cblas.h')];
  for (const entry of subdirectories(include)) {
    candidates.push(join(include, entry, 'cblas.h'));
    for (const sub of subdirectories(join(include, entry))) {
      if (sub.startsWith('openblas')) candidates.push(join(include, entry, sub, 'cblas.h'));
    }
  }
  return candidates.find((file) => existsSync(file) && existsSync(join(dirname(file), 'openblas_config.h')));
}

// libopenblas.so (or .dylib) in `lib`, or one or two levels below it, resolved through its symlinks.
function findLibrary(lib) {
  const names = ['libopenblas.so', 'libopenblas.so.0', 'libopenblas.dylib'];
  const dirs = [lib];
  for (const entry of subdirectories(lib)) {
    dirs.push(join(lib, entry));
    for (const sub of subdirectories(join(lib, entry))) if (sub.startsWith('openblas')) dirs.push(join(lib, entry, sub));
  }
  for (const dir of dirs) {
    for (const name of names) {
      const file = join(dir, name);
      if (!existsSync(file)) continue;
      try {
        return realpathSync(file);
      } catch {
        return file;
      }
    }
  }
  return undefined;
}

/** OPENBLAS_VERSION from openblas_config.h next to cblas.h, e.g. "0.3.21". */
function headerVersion(header) {
  try {
    const text = readFileSync(join(dirname(header), 'openblas_config.h'), 'utf8');
    return /#define\s+OPENBLAS_VERSION\s+"\s*OpenBLAS\s+([^"\s]+)\s*"/.exec(text)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * OpenBLAS's development files: { header, library, version, via } or undefined. pkg-config first (unless the
 * prefixes are overridden), then cblas.h + openblas_config.h under each prefix's include/.
 */
export function findOpenBlas(env = process.env) {
  const { prefixes, overridden } = openBlasPrefixes(env);
  // `pkg-config --modversion` fails when pkg-config or its openblas.pc is absent
  const version = overridden ? undefined : firstLine('pkg-config', ['--modversion', 'openblas']);
  if (version !== undefined) {
    const include = firstLine('pkg-config', ['--variable=includedir', 'openblas']);
    const libdir = firstLine('pkg-config', ['--variable=libdir', 'openblas']);
    const header = include ? findHeader(include) : undefined;
    return { header, library: libdir ? findLibrary(libdir) : undefined, version, via: 'pkg-config' };
  }
  for (const prefix of prefixes) {
    const header = findHeader(join(prefix, 'include'));
    if (!header) continue;
    const library = findLibrary(join(prefix, 'lib')) ?? findLibrary(join(prefix, 'lib64'));
    return { header, library, version: headerVersion(header), via: `search of ${prefix}` };
  }
  return undefined;
}

/** The C++ compiler cmake will use: { command, version } ($CXX, else c++, g++, clang++), or undefined. */
export function findCompiler(env = process.env) {
  for (const command of [env.CXX, 'c++', 'g++', 'clang++'].filter(Boolean)) {
    const version = firstLine(command, ['--version']);
    if (version !== undefined) return { command, version };
  }
  return undefined;
}

/** `cmake --version`'s first line, or undefined. */
export function cmakeVersion() {
  return firstLine('cmake', ['--version']);
}

/** `pkg-config --version`, or undefined (optional: CMake falls back to its BLAS module without it). */
export function pkgConfigVersion() {
  return firstLine('pkg-config', ['--version']);
}

/** Everything above in one record; `missing` names what the build cannot do without. */
export function probeToolchain(env = process.env) {
  const openblas = findOpenBlas(env);
  const compiler = findCompiler(env);
  const cmake = cmakeVersion();
  const pkgConfig = pkgConfigVersion();
  const missing = [];
  if (!cmake) missing.push('cmake');
  if (!compiler) missing.push('a C++ compiler (g++ or clang++)');
  if (!openblas) missing.push('OpenBLAS development files (libopenblas-dev: pkg-config openblas / cblas.h)');
  return { openblas, compiler, cmake, pkgConfig, missing };
}
