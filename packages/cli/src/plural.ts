/** "1 example", "2 examples", "1 class", "3 classes": a count and its noun, singular for exactly one. */
export function count(n: number, noun: string): string {
  if (n === 1) return `${n} ${noun}`;
  return `${n} ${/(s|sh|ch|x)$/.test(noun) ? `${noun}es` : `${noun}s`}`;
}
