// Why a function whose own source did not change is in the patch anyway:
// gcc inlined a function whose source did (a static helper, usually). The
// new build's debug information says what was inlined where; a function's
// source is taken to run from its declaration line to the next function's
// in the same file, and the line diff of the sources says whether any of
// it changed. (gcc often leaves an inlined copy neither an address range
// nor line rows of its own, so its code cannot be found line by line.)
import path from 'node:path';
import type { BuildDebug } from '../data/types.js';
import { num } from '../../loader/dwarf/index.js';
import type { Die } from '../../loader/dwarf/index.js';
import { AT } from '../../loader/dwarf/constants.js';
import { LineChanges, sourceChanges } from './source-diff.js';

export class InlineExplainer {
  private readonly diffs = new Map<string, LineChanges | null>();

  constructor(private readonly debug: BuildDebug, private readonly trees: { old: string; new: string }) {}

  private changes(file: string): LineChanges | null {
    if (!this.diffs.has(file)) {
      const rel = path.relative(this.trees.old, file);
      const inside = !rel.startsWith('..') && !path.isAbsolute(rel);
      this.diffs.set(file, inside ? sourceChanges(path.join(this.trees.old, rel), path.join(this.trees.new, rel)) : null);
    }
    return this.diffs.get(file)!;
  }

  /** "inlines scale, whose source changed (line 4)" for each function inlined into `name` whose source changed. */
  reasons(name: string, unitFile: string): string[] {
    const f = this.debug.index.function(name, unitFile);
    if (!f) return [];
    // where each function of the unit starts, in its file
    const starts: { file: string; line: number }[] = [];
    for (const g of this.debug.index.allFunctions()) {
      if (g.unit !== f.unit || g.declaration) continue;
      const at = declaredAt(this.debug, g.die);
      if (at) starts.push(at);
    }
    const out = new Set<string>();
    for (const call of f.inlines) {
      if (call.name === name || !call.origin) continue;
      const at = declaredAt(this.debug, call.origin);
      const changes = at ? this.changes(at.file) : null;
      if (!at || !changes) continue;
      const next = Math.min(...starts.filter((s) => s.file === at.file && s.line > at.line).map((s) => s.line), Infinity);
      const lines = [...changes.added].filter((l) => l >= at.line && l < next).sort((a, b) => a - b);
      if (lines.length > 0) out.add(`inlines ${call.name}, whose source changed (line ${lines.slice(0, 5).join(', ')}${lines.length > 5 ? ', ...' : ''})`);
    }
    return [...out];
  }
}

/** The file and line a function (or its abstract origin) is declared at. */
function declaredAt(debug: BuildDebug, d: Die): { file: string; line: number } | null {
  const origin = d.unit.origin(d);
  const line = num(d, AT.decl_line) ?? (origin ? num(origin, AT.decl_line) : undefined);
  const index = num(d, AT.decl_file) ?? (origin ? num(origin, AT.decl_file) : undefined);
  if (line === undefined || index === undefined) return null;
  const file = debug.index.fileName(d.unit, index);
  return file ? { file, line } : null;
}
