import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../src/paths';

/**
 * Folders of src/ form layers: a feature may import the ones below it, never one that
 * imports it back, however long the way round. Read from the import statements as written.
 */

const SRC = path.join(PROJECT_ROOT, 'src');
const IMPORT = /(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g;

/** The top folder of src/ a file belongs to, or the file itself for files directly in src/. */
function unitOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0]!.replace(/\.ts$/, '');
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function importGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(SRC)) {
    const from = unitOf(file);
    for (const match of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const to = unitOf(path.resolve(path.dirname(file), match[1]!));
      if (to === from || to.startsWith('..')) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, path.relative(SRC, file));
      graph.set(from, edges);
    }
  }
  return graph;
}

/** One cycle, as "a → b (by a/x.ts) → … → a", or null. */
function findCycle(graph: Map<string, Map<string, string>>): string | null {
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (unit: string): string | null => {
    state.set(unit, 'open');
    trail.push(unit);
    for (const [next, by] of graph.get(unit) ?? []) {
      if (state.get(next) === 'open') {
        const loop = trail.slice(trail.indexOf(next));
        return [...loop, next].join(' → ') + ` (closed by ${by})`;
      }
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    trail.pop();
    state.set(unit, 'done');
    return null;
  };
  for (const unit of graph.keys()) {
    if (state.has(unit)) continue;
    const found = visit(unit);
    if (found) return found;
  }
  return null;
}

describe('src/ folders', () => {
  it('import each other without cycles', () => {
    expect(findCycle(importGraph())).toBeNull();
  });

  it('would report a cycle if one appeared', () => {
    const graph = importGraph();
    const rooms = graph.get('rooms') ?? new Map<string, string>();
    rooms.set('lobby', 'rooms/made-up.ts');
    graph.set('rooms', rooms);
    expect(findCycle(graph)).toMatch(/rooms/);
  });
});
