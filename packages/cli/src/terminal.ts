/**
 * Text from files and errors, made safe to print on a terminal: C0 and C1 control characters (ESC, BEL, CR, LF …,
 * DEL) and the bidirectional overrides are written as escapes (`\x1b`, `\u202e`), so a MAT header or a variable
 * name cannot move the cursor, retitle the window or hide text; long text is cut with "…".
 */

// C0 (including tab and newline), DEL, C1, and the Unicode bidi embeddings/overrides/isolates
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character escaped, at most `max` characters (the cut marked with "…"). */
export function terminalSafe(text: string, max = Infinity): string {
  const escaped = text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
  return escaped.length > max ? `${escaped.slice(0, Math.max(0, max - 1))}…` : escaped;
}
