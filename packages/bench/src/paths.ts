/**
 * Where the benchmark finds its files, computed in one place. The package is private and only ever runs from a
 * checkout of the repository (never packed), so it may look outside itself: the python peers live in the
 * repository's scripts/ref, the load scripts in this package's tools/. src/ and dist/ both sit one level below the
 * package root, so the same URLs hold for the sources (vitest) and the build.
 */
import { fileURLToPath } from 'node:url';

const PACKAGE_ROOT = new URL('../', import.meta.url);

/** packages/bench/tools/: autocannon's child script and wrk's Lua scripts. */
export const TOOLS_DIR = fileURLToPath(new URL('tools/', PACKAGE_ROOT));

/** The repository's scripts/ref/: the numpy, scipy and PyTorch peers (bench_*.py). */
export const REF_DIR = fileURLToPath(new URL('../../scripts/ref/', PACKAGE_ROOT));
