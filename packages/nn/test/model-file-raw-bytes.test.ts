// A corrupted model file's error says where it broke, never quotes its bytes (control characters, megabytes).
import { describe, expect, it } from 'vitest';
import { ModelFormatError, modelFromJson } from '../src/index.js';

function messageOf(text: string): string {
  try {
    modelFromJson(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFormatError);
    return (e as Error).message;
  }
  throw new Error('expected a ModelFormatError');
}

describe('a model file that is not JSON', () => {
  it('escape sequences and binary bytes are not echoed', () => {
    const evil = messageOf('\x1b]0;evil\x07' + '\x9b'.repeat(100_000));
    expect(evil).toBe('model file is not valid JSON');
    expect(messageOf('{"a"\x00:1}')).toBe('model file is not valid JSON (not text: NUL byte at offset 4)');
  });

  it('a syntax error says the character position when JSON.parse knows it', () => {
    expect(messageOf('{"a":1,}')).toMatch(/^model file is not valid JSON \(at character \d+\)$/);
  });
});
