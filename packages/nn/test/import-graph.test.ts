import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The import graph of nn/src, read from the sources' `from '…'` and `import('…')` specifiers. A module's group is
 * its folder under src (optim, backend, data, …) or, for a top-level file, the file itself.
 */
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

const groupOf = (file: string): string => relative(SRC, file).split('/')[0].replace(/\.ts$/, '');

/** Group → the groups its files import directly (relative specifiers only). */
function groupGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sources(SRC)) {
    const from = groupOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const spec of specifiers(file)) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      if (!target.startsWith(SRC)) continue;
      const to = groupOf(target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** A chain of groups from `from` to `to`, or undefined. */
function path(graph: Map<string, Set<string>>, from: string, to: string): string[] | undefined {
  const seen = new Set([from]);
  const queue: string[][] = [[from]];
  while (queue.length > 0) {
    const chain = queue.shift()!;
    for (const next of graph.get(chain[chain.length - 1]) ?? []) {
      if (next === to) return [...chain, next];
      if (!seen.has(next)) {
        seen.add(next);
        queue.push([...chain, next]);
      }
    }
  }
  return undefined;
}

describe('the import graph of @backprop/nn', () => {
  it('has no cycle between the optimisers and the backends', () => {
    const graph = groupGraph();
    expect(graph.has('optim') && graph.has('backend')).toBe(true);
    const there = path(graph, 'optim', 'backend');
    const back = path(graph, 'backend', 'optim');
    // At most one direction may exist; both together are a cycle.
    expect(there && back ? `${there.join(' → ')} and ${back.join(' → ')}` : 'no cycle').toBe('no cycle');
  });

  it('never imports the packages above it (server, cli), by name or by a name held in a variable', () => {
    const offenders = sources(SRC).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return /@backprop\/(server|cli)\b/.test(text) ? [relative(SRC, file)] : [];
    });
    expect(offenders).toEqual([]);
  });
});
