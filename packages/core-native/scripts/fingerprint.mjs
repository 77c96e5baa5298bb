#!/usr/bin/env node
// Prints the system's part of the addon build — OpenBLAS (version, header, library), the C++ compiler, cmake,
// pkg-config — one line each, "missing" for what is absent. nx runs it as a runtime input of core-native:build,
// so when any of them is installed, removed or upgraded the cached build no longer matches and the addon is
// built again (e.g. OpenBLAS installed after an `npm ci` that could not build it).
//
//   node packages/core-native/scripts/fingerprint.mjs
//
// Honours BACKPROP_OPENBLAS_PREFIXES like the build does (see toolchain.mjs).
import { probeToolchain } from './toolchain.mjs';

const { openblas, compiler, cmake, pkgConfig } = probeToolchain();
const blas = openblas
  ? [openblas.version ?? 'unknown version', openblas.header ?? 'no cblas.h', openblas.library ?? 'no library'].join(' ')
  : 'missing';
const lines = [
  `openblas: ${blas}`,
  `c++: ${compiler ? compiler.version : 'missing'}`,
  `cmake: ${cmake ?? 'missing'}`,
  `pkg-config: ${pkgConfig ?? 'missing'}`,
];
process.stdout.write(lines.join('\n') + '\n');
