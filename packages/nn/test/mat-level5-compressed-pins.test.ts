// The Level 5 reader on files the conforming writers never make but a hostile or broken one can (issue 21: the
// level5-read.ts mutants that survived mat-level5-file-pins): a top-level miMATRIX whose size leaves out its
// padding, an empty miMATRIX inside a compressed element, and zlib streams that open with over 1 KiB of empty
// stored blocks, so the reader's prefix shows no tag and no size is declared: the content's type check and the
// "inflates to more than" refusal are then the reader's only guards.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readMat } from '../src/data/mat/index.js';
import { concat, matBuilder, mi, mx, zlibWithZeros } from './mat-build.js';
import { refusal } from './mat-pins-helpers.js';

const le = matBuilder(false);

/** A 1x1 double named `name` holding `v`, as a miMATRIX element. */
const scalar = (name: string, v: number): Uint8Array => {
  const d = new Uint8Array(8);
  new DataView(d.buffer).setFloat64(0, v, true);
  return le.matrix({ cls: mx.DOUBLE, dims: [1, 1], name }, [le.element(mi.DOUBLE, d)]);
};

/** Empty non-final stored deflate blocks (BFINAL 0, BTYPE 00, LEN 0, NLEN 0xffff): 5 bytes that inflate to nothing. */
const EMPTY_STORED = Uint8Array.of(0x00, 0x00, 0x00, 0xff, 0xff);
/** 210 of them (1050 bytes): more than the 1024 compressed bytes the reader inflates to find the inner tag. */
const EMPTY_BLOCKS = 210;

/** `stream` (a zlib stream) with the empty blocks put between its 2-byte header and its first deflate block. */
function afterEmptyBlocks(stream: Uint8Array): Uint8Array {
  const blocks = new Uint8Array(EMPTY_STORED.length * EMPTY_BLOCKS);
  for (let i = 0; i < EMPTY_BLOCKS; i++) blocks.set(EMPTY_STORED, i * EMPTY_STORED.length);
  return concat([stream.subarray(0, 2), blocks, stream.subarray(2)]);
}

describe('a top-level miMATRIX whose size leaves out its padding', () => {
  it('is read, and the next element starts at the following 8-byte boundary', () => {
    // int8 1x3 [1, -2, 3]: its last sub-element holds 3 bytes then 5 of padding, which the size leaves out.
    const whole = le.matrix({ cls: mx.INT8, dims: [1, 3], name: 'a' }, [le.element(mi.INT8, Uint8Array.of(1, 0xfe, 3))]);
    const content = whole.subarray(8);
    const short = concat([le.u32(mi.MATRIX, content.length - 5), content]);
    const file = readMat(le.file(short, scalar('x', 4.5)));
    expect([...file.variables.keys()]).toEqual(['a', 'x']);
    expect(Array.from(file.variables.get('a')!.data)).toEqual([1, -2, 3]);
    expect(file.variables.get('a')!.class).toBe('int8');
    expect(Array.from(file.variables.get('x')!.data)).toEqual([4.5]);
    expect(file.skipped).toEqual([]);
  });
});

describe('the content of a compressed element', () => {
  it('an empty miMATRIX inside is no variable, and the file reads on', () => {
    const file = readMat(le.file(le.compressed(deflateSync(le.u32(mi.MATRIX, 0))), scalar('x', -1)));
    expect([...file.variables.keys()]).toEqual(['x']);
    expect(Array.from(file.variables.get('x')!.data)).toEqual([-1]);
    expect(file.skipped).toEqual([]);
  });

  it('with no tag in the first KiB, a first element that is not a miMATRIX is still refused, by its type', () => {
    // A valid 1x1 double array, wrapped as a miDOUBLE (type 9) element instead of a miMATRIX.
    const inner = concat([le.u32(mi.DOUBLE, scalar('d', 2).length - 8), scalar('d', 2).subarray(8)]);
    const e = refusal(le.file(le.compressed(afterEmptyBlocks(deflateSync(inner)))));
    expect([e.code, e.message, e.offset]).toEqual([
      'ERR_MAT_CORRUPT',
      'compressed element holds type 9; expected miMATRIX (14) (offset 128)',
      128,
    ]);
  });

  it('with the same stream holding a miMATRIX, it reads (the empty blocks alone are no fault)', () => {
    const file = readMat(le.file(le.compressed(afterEmptyBlocks(deflateSync(scalar('d', 2))))));
    expect(Array.from(file.variables.get('d')!.data)).toEqual([2]);
  });
});

describe('a compressed element that declares no size', () => {
  it('inflating beyond maxBytes is ERR_MAT_TOO_LARGE, naming the limit, with zlib’s error as its cause', () => {
    // A miMATRIX tag claiming 4 MB, then 4 MB of zeros: the tag is behind the empty blocks, so nothing declares a
    // size before inflating, and only maxBytes (1e6) stops it.
    const stream = afterEmptyBlocks(zlibWithZeros(le.u32(mi.MATRIX, 4_000_000), 4_000_000));
    const e = refusal(le.file(le.compressed(stream)), 1e6);
    expect([e.code, e.message, e.offset]).toEqual([
      'ERR_MAT_TOO_LARGE',
      'compressed element inflates to more than 1000000 bytes (maxBytes = 1000000) (offset 128)',
      128,
    ]);
    expect(e.cause).toBeInstanceOf(RangeError);
    expect((e.cause as { code?: string }).code).toBe('ERR_BUFFER_TOO_LARGE');
  });
});
