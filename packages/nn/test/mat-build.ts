// Typed access for the tests to scripts/reliability/fuzz/mat-build.mjs: the Level 5 building blocks that the
// structure-aware generator uses, so tests and fuzzer write hostile MAT-files the same way.

export interface ArrayHeaderFields {
  cls: number;
  flags?: number;
  dims: number[];
  name: string;
}

export interface MatBuilder {
  u32(...xs: number[]): Uint8Array;
  i32(...xs: number[]): Uint8Array;
  element(type: number, data: Uint8Array, nbytes?: number): Uint8Array;
  small(type: number, data: Uint8Array): Uint8Array;
  header(text?: string): Uint8Array;
  arrayHeader(h: ArrayHeaderFields): Uint8Array;
  matrix(h: ArrayHeaderFields, parts?: Uint8Array[]): Uint8Array;
  compressed(stream: Uint8Array): Uint8Array;
  file(...elements: Uint8Array[]): Uint8Array;
  latin1(s: string): Uint8Array;
}

interface MatBuildModule {
  mi: Record<string, number>;
  mx: Record<string, number>;
  flag: Record<string, number>;
  concat(parts: Uint8Array[]): Uint8Array;
  matBuilder(bigEndian?: boolean): MatBuilder;
  zlibWithZeros(prefix: Uint8Array, zeros: number): Uint8Array;
}

// A non-literal specifier keeps TypeScript from resolving the .mjs (it has no declarations); vitest loads it.
const buildPath: string = '../../../scripts/reliability/fuzz/mat-build.mjs';
const mod = (await import(buildPath)) as MatBuildModule;

export const { mi, mx, flag, concat, matBuilder, zlibWithZeros } = mod;
