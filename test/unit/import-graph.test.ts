import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The shape of src/ as a graph of its relative imports: no module reaches itself
 * through its imports, and the layers depend one way (protocol -> services ->
 * domain/store). Type-only imports count too: a circle of types is still a
 * circle a reader has to hold in mind.
 */
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Which layers each layer must never import (the folder names under src/). */
const FORBIDDEN: Record<string, readonly string[]> = {
  domain: ['services', 'protocol', 'store', 'server'],
  store: ['services', 'protocol', 'server'],
  services: ['protocol', 'server'],
};

/** `import … from '…'`, `export … from '…'`, `import '…'` and `import('…')`, with relative specifiers only. */
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"](\.[^'"]+)['"]|(?:^|[\s;])import\s*['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Each file (relative to src/) with the files it imports. */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
    const targets = [...text.matchAll(IMPORT)].map((match) => relative(root, resolve(dirname(file), match[1] ?? match[2] ?? match[3]!)));
    graph.set(relative(root, file), [...new Set(targets)]);
  }
  return graph;
}

/** Every strongly connected component of more than one file (or a file importing itself): Tarjan's algorithm. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

const layerOf = (file: string): string => file.split('/')[0]!;

test('the import parser sees value, type, re-export, side-effect and dynamic imports', () => {
  const text = [
    "import { a } from './a.ts';",
    "import type { B } from '../b/b.ts';",
    "export { c } from './c.ts';",
    "export * from './d.ts';",
    "import './e.ts';",
    "const f = await import('./f.ts');",
    "import {\n  g,\n  h,\n} from './g.ts';",
    "import { readFile } from 'node:fs';",
    "// import { x } from './commented.ts';",
  ].join('\n');
  const specifiers = [...text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '').matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]);
  assert.deepEqual(specifiers, ['./a.ts', '../b/b.ts', './c.ts', './d.ts', './e.ts', './f.ts', './g.ts']);
  assert.deepEqual(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])), [['a', 'b', 'c']]);
});

test('no module in src/ reaches itself through its imports', () => {
  assert.deepEqual(cycles(importGraph(SRC)), []);
});

test('layers import one way: protocol -> services -> domain/store', () => {
  const against: string[] = [];
  for (const [file, targets] of importGraph(SRC)) {
    const forbidden = FORBIDDEN[layerOf(file)] ?? [];
    for (const target of targets) if (forbidden.includes(layerOf(target))) against.push(`${file} -> ${target}`);
  }
  assert.deepEqual(against, []);
});
