// Which changed source lines of a function that is never replaced (main, an
// --always-active function) will not take effect: the lines of the new
// version that differ from the old (a line diff of the source), split by
// where the new build put their machine code: inside the loop the function
// keeps running (code that stays old for good) or elsewhere (start-up code
// that already ran). A loop is the span of a backward branch; the running
// one is a loop that waits (it calls poll, accept, read... or a function of
// the program that does); option-parsing loops in start-up code are not.
// Lines come from the line table of the new build's debug information (code
// inlined into the function counts: its lines are the function's too).
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

/**
 * The loops of a function's code, each as the set of its instructions'
 * addresses: the strongly connected parts of its control flow (an
 * instruction is in a loop when it can reach itself). gcc lays a loop's
 * blocks out anywhere in the function and enters a rotated loop at its
 * condition, so neither address ranges nor back edges alone would do.
 */
function loops(code: Uint8Array, start: number, noReturn: ReadonlySet<number> = new Set()): Set<number>[] {
  const cs = new Capstone(Const.CS_ARCH_X86, Const.CS_MODE_32);
  const succ = new Map<number, number[]>();
  try {
    cs.setOption(Const.CS_OPT_SYNTAX, Const.CS_OPT_SYNTAX_INTEL);
    for (const i of cs.disasm(code, { address: start })) {
      const at = Number(i.address);
      const out: number[] = [];
      const direct = /^(0x[0-9a-f]+|\d+)$/.test(i.opStr) ? Number(i.opStr) : null;
      // a call whose field is one of `noReturn` (exit, err, __stack_chk_fail...) ends its block
      const callsNoReturn = i.mnemonic === 'call' && noReturn.has(at + 1);
      const ends = i.mnemonic === 'jmp' || i.mnemonic.startsWith('ret') || i.mnemonic === 'hlt' || i.mnemonic === 'ud2' || callsNoReturn;
      if (!ends) out.push(at + i.size);
      if (/^(j[a-z]+|loop[a-z]*)$/.test(i.mnemonic) && direct !== null && direct >= start && direct < start + code.length) out.push(direct);
      succ.set(at, out);
    }
  } finally {
    cs.close();
  }
  return stronglyConnected(succ).filter((c) => c.size > 1 || (succ.get([...c][0]) ?? []).includes([...c][0]));
}

/** Tarjan's strongly connected components, iteratively (functions have thousands of instructions). */
function stronglyConnected(succ: ReadonlyMap<number, readonly number[]>): Set<number>[] {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const out: Set<number>[] = [];
  let counter = 0;
  for (const root of succ.keys()) {
    if (index.has(root)) continue;
    const work: { node: number; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const edges = (succ.get(frame.node) ?? []).filter((n) => succ.has(n));
      if (frame.next < edges.length) {
        const n = edges[frame.next++];
        if (!index.has(n)) {
          index.set(n, counter);
          low.set(n, counter++);
          stack.push(n);
          onStack.add(n);
          work.push({ node: n, next: 0 });
        } else if (onStack.has(n)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(n)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component = new Set<number>();
        let n: number;
        do {
          n = stack.pop()!;
          onStack.delete(n);
          component.add(n);
        } while (n !== frame.node);
        out.push(component);
      }
    }
  }
  return out;
}

/** Maps a path in the debug information (both builds name the old tree) to the same file in `tree`. */
function inTree(file: string, oldTree: string, tree: string): string | null {
  const rel = path.relative(oldTree, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? null : path.join(tree, rel);
}

/**
 * `calls.waits`: addresses (in the new build's program) of the function's
 * calls that may block; the loops around them are the running ones (when
 * there are none, every loop counts). `calls.noReturn`: the addresses of the
 * relocated fields of its calls that never return.
 */
export function neverReturningLines(
  unit: string, name: string, oldDef: ProgramDefinition | null, newDef: ProgramDefinition | null,
  oldDebug: BuildDebug | null, newDebug: BuildDebug | null, trees: { old: string; new: string },
  calls: { waits: readonly number[]; noReturn: readonly number[] } = { waits: [], noReturn: [] },
): LineEffects[] {
  const waits = calls.waits;
  const none = (why: string): LineEffects[] => [{ unit, function: name, file: unit, startup: [], loop: [], removed: [], unknown: why }];
  if (!oldDebug || !newDebug || !oldDef || !newDef) return none('which lines will not take effect is unknown: no debug information');
  const code = newDebug.program.bytes(newDef);
  if (!code) return none('which lines will not take effect is unknown: the function\'s code was not found');
  const newRows = rowsOf(newDebug, newDef.address, newDef.address + newDef.size);
  const oldRows = rowsOf(oldDebug, oldDef.address, oldDef.address + oldDef.size);
  if (newRows.length === 0) return none('which lines will not take effect is unknown: no line table for the function');
  const all = loops(code, newDef.address, new Set(calls.noReturn));
  const waiting = all.filter((body) => waits.some((w) => body.has(w)));
  // the instructions of the running loops (every loop when none is seen waiting)
  const running = new Set<number>();
  for (const body of waiting.length > 0 ? waiting : all) for (const a of body) running.add(a);
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
      let loopy = false;
      for (let a = r.address; a < r.end && !loopy; a++) loopy = running.has(a);
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
