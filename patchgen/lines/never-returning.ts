// Which changed source lines of a function that is never replaced (main, an
// --always-active function) will not take effect: the lines of the new
// version that differ from the old (a line diff of the source), split by
// where the new build put their machine code, before the function's loops
// (start-up code that already ran) or inside one (code that keeps running
// old); a loop is the span of a backward branch. Lines come from the line
// table of the new build's debug information (code inlined into the
// function counts: its lines are the function's too).
import path from 'node:path';
import { Capstone, Const } from 'capstone-wasm';
import type { BuildDebug } from '../data/types.js';
import type { ProgramDefinition } from '../program.js';
import { sourceChanges } from './source-diff.js';

export interface LineEffects {
  unit: string;
  function: string;
  /** The source file the lines are in (relative to the tree). */
  file: string;
  /** Changed lines of start-up code: it already ran, so they have no effect. */
  startup: number[];
  /** Changed lines inside a loop: the old code keeps running there. */
  loop: number[];
  /** Lines of the old version that are gone but keep running (old numbering). */
  removed: number[];
  /** Set when the lines could not be told (no line information). */
  unknown: string | null;
}

interface Row {
  address: number;
  end: number;
  file: string;
  line: number;
}

/** The line rows covering [start, end) in a build's program. */
export function rowsOf(debug: BuildDebug, start: number, end: number): Row[] {
  const out: Row[] = [];
  for (const cu of debug.index.units) {
    const table = debug.index.lineTable(cu.unit);
    if (!table) continue;
    const rows = table.rows;
    for (let i = 0; i + 1 < rows.length; i++) {
      const r = rows[i];
      if (r.endSequence || r.address >= end || rows[i + 1].address <= start) continue;
      const file = table.files[r.file]?.path;
      if (file) out.push({ address: r.address, end: rows[i + 1].address, file, line: r.line });
    }
  }
  return out;
}

/** Address ranges of the loops of a function's code: from a backward branch's target to the branch. */
function loops(code: Uint8Array, start: number): [number, number][] {
  const cs = new Capstone(Const.CS_ARCH_X86, Const.CS_MODE_32);
  try {
    cs.setOption(Const.CS_OPT_SYNTAX, Const.CS_OPT_SYNTAX_INTEL);
    const out: [number, number][] = [];
    for (const i of cs.disasm(code, { address: start })) {
      if (!/^(j[a-z]+|loop[a-z]*)$/.test(i.mnemonic) || !/^(0x[0-9a-f]+|\d+)$/.test(i.opStr)) continue;
      const target = Number(i.opStr);
      const at = Number(i.address);
      if (target >= start && target <= at) out.push([target, at + i.size]);
    }
    return out;
  } finally {
    cs.close();
  }
}

/** Maps a path in the debug information (both builds name the old tree) to the same file in `tree`. */
function inTree(file: string, oldTree: string, tree: string): string | null {
  const rel = path.relative(oldTree, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? null : path.join(tree, rel);
}

export function neverReturningLines(
  unit: string, name: string, oldDef: ProgramDefinition | null, newDef: ProgramDefinition | null,
  oldDebug: BuildDebug | null, newDebug: BuildDebug | null, trees: { old: string; new: string },
): LineEffects[] {
  const none = (why: string): LineEffects[] => [{ unit, function: name, file: unit, startup: [], loop: [], removed: [], unknown: why }];
  if (!oldDebug || !newDebug || !oldDef || !newDef) return none('which lines will not take effect is unknown: no debug information');
  const code = newDebug.program.bytes(newDef);
  if (!code) return none('which lines will not take effect is unknown: the function\'s code was not found');
  const newRows = rowsOf(newDebug, newDef.address, newDef.address + newDef.size);
  const oldRows = rowsOf(oldDebug, oldDef.address, oldDef.address + oldDef.size);
  if (newRows.length === 0) return none('which lines will not take effect is unknown: no line table for the function');
  const inLoop = loops(code, newDef.address);
  const effects = new Map<string, LineEffects>();
  const files = new Set([...newRows, ...oldRows].map((r) => r.file));
  for (const file of files) {
    const oldFile = inTree(file, trees.old, trees.old);
    const newFile = inTree(file, trees.old, trees.new);
    if (!oldFile || !newFile) continue;
    const changes = sourceChanges(oldFile, newFile);
    if (!changes) continue;
    const e: LineEffects = { unit, function: name, file: path.relative(trees.old, oldFile), startup: [], loop: [], removed: [], unknown: null };
    const startup = new Set<number>();
    const looped = new Set<number>();
    for (const r of newRows) {
      if (r.file !== file || !changes.added.has(r.line)) continue;
      const loopy = inLoop.some(([a, b]) => r.address < b && r.end > a);
      (loopy ? looped : startup).add(r.line);
    }
    for (const l of looped) startup.delete(l);
    e.startup = [...startup].sort((a, b) => a - b);
    e.loop = [...looped].sort((a, b) => a - b);
    e.removed = [...new Set(oldRows.filter((r) => r.file === file && changes.removed.has(r.line)).map((r) => r.line))].sort((a, b) => a - b);
    if (e.startup.length + e.loop.length + e.removed.length > 0) effects.set(file, e);
  }
  return [...effects.values()];
}
