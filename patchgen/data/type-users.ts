// Code whose machine code did not change but that uses a struct whose
// layout did (a parameter, a local, its return value, an inlined function's,
// or a variable of that type it refers to). dsu patch refuses to leave such
// code running beside the new layout (issue 12, check 3: it would go on
// creating and reading the old one), so the generator replaces it too, with
// its new build's (identical) code, and says why. What cannot be replaced
// (main) is reported with the lines that keep the old layout.
import { compareLayouts, resolved } from '../../loader/dwarf/index.js';
import { TAG } from '../../loader/dwarf/constants.js';
import type { Die, DwarfType, FunctionInfo } from '../../loader/dwarf/index.js';
import type { BuildDebug } from './types.js';
import type { UnitPair } from '../diff/unit.js';
import type { Item } from '../diff/items.js';
import { targetOf } from '../diff/targets.js';

const tagOf = (t: DwarfType): string | null => {
  const r = resolved(t);
  return (r.kind === 'struct' || r.kind === 'union' || r.kind === 'enum') && r.name ? `${r.kind} ${r.name}` : null;
};

/** Named records and enums whose layout differs between the builds. */
export function changedLayouts(oldDebug: BuildDebug, newDebug: BuildDebug): Set<string> {
  const out = new Set<string>();
  const complete = (d: BuildDebug, name: string): DwarfType | undefined =>
    d.index.namedTypes(name).map((n) => n.type).find((t) => !resolved(t).declaration && resolved(t).kind !== 'unknown');
  const names = new Set<string>();
  for (const n of oldDebug.index.allNamedTypes()) if (/^(struct|union|enum) /.test(n.name)) names.add(n.name);
  for (const name of names) {
    const a = complete(oldDebug, name);
    const b = complete(newDebug, name);
    if (a && b && compareLayouts(a, b, { throughPointers: false, completeA: oldDebug.completion, completeB: newDebug.completion }) !== null) out.add(name);
  }
  return out;
}

/** The changed record a type reaches through pointers, arrays, typedefs and qualifiers, or null. */
function reaches(t: DwarfType, changed: ReadonlySet<string>): string | null {
  let x: DwarfType | undefined = t;
  for (let i = 0; i < 16 && x; i++) {
    const name = tagOf(x);
    if (name && changed.has(name)) return name;
    const r: DwarfType = resolved(x);
    x = r.kind === 'pointer' || r.kind === 'array' ? r.target : undefined;
  }
  return null;
}

/** What a function's debug information says it handles: its return value, parameters, locals, inlined code. */
function typesUsed(debug: BuildDebug, f: FunctionInfo): { what: string; type: DwarfType }[] {
  const out: { what: string; type: DwarfType }[] = [{ what: 'its return value', type: f.returns }];
  const stack: Die[] = [...f.die.children];
  let budget = 100_000;
  while (stack.length > 0 && budget-- > 0) {
    const d = stack.pop()!;
    if (d.tag === TAG.formal_parameter || d.tag === TAG.variable) out.push({ what: d.tag === TAG.variable ? 'a local' : 'a parameter', type: debug.index.types.typeOf(d) });
    else if (d.tag === TAG.inlined_subroutine) out.push({ what: 'inlined code', type: VOID_MARK });
    for (const c of d.children) stack.push(c);
  }
  return out.filter((x) => x.type !== VOID_MARK);
}
const VOID_MARK = { kind: 'void', name: null, size: null } as DwarfType;

/**
 * For each unit, the new build's functions that are unchanged but use a
 * changed layout, with the reason: marked changed.
 */
export function markLayoutUsers(units: readonly UnitPair[], oldDebug: BuildDebug, newDebug: BuildDebug, changed: ReadonlySet<string>): number {
  if (changed.size === 0) return 0;
  let marked = 0;
  for (const u of units) {
    if (!u.old || !u.new) continue;
    for (const state of u.states.values()) {
      if (state.status !== 'same' || state.item.kind !== 'function' || !state.old) continue;
      const why = usesChanged(u, state.old, oldDebug, changed);
      if (!why) continue;
      state.status = 'changed';
      state.reasons.push(`${why}, whose layout changed (its own code did not: no old code may keep the old layout)`);
      marked++;
    }
  }
  return marked;
}

function usesChanged(u: UnitPair, old: Item, debug: BuildDebug, changed: ReadonlySet<string>): string | null {
  const f = debug.index.function(old.name.replace(/\.(isra|constprop|part|cold)(\.\d+)*$/, ''), u.fileName);
  if (f) {
    for (const { what, type } of typesUsed(debug, f)) {
      const name = reaches(type, changed);
      if (name) return `uses ${name} (${what})`;
    }
  }
  // variables of that type it refers to
  for (const r of old.section.relocs) {
    const t = targetOf(u.old!, r);
    const v = t.kind === 'item' && t.item.kind === 'variable' ? debug.variable(u, t.item)
      : t.kind === 'external' ? debug.index.variable(t.name) ?? null : null;
    const name = v && !v.declaration ? reaches(v.type, changed) : null;
    if (name) return `uses ${name} (through ${t.kind === 'item' ? t.item.name : t.kind === 'external' ? t.name : ''})`;
  }
  return null;
}
