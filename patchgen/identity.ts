// The program the patch is for. Before anything is generated, --program is
// checked to be the old build: every function the old build compiled is
// compared with the program's (sizes, and bytes outside what a linker
// writes), so a binary from other sources or flags is refused by name.
// Then the patch records its identity (loader/identity): the program's
// build ID and every function it relies on, which `dsu patch` checks.
import path from 'node:path';
import { FunctionIdentity, PatchIdentity, VariableIdentity } from '../loader/identity/patch-identity.js';
import { codeShapeHash, instructionMasks, InstructionMask } from '../loader/identity/code-shape.js';
import { linkerWrittenRange } from './object/relocation-fields.js';
import type { Item } from './diff/items.js';
import type { UnitPair } from './diff/unit.js';
import type { ProgramDefinition, ProgramFile } from './program.js';
import type { Selection } from './select/include.js';

export class IdentityMismatch extends Error {}

/** The byte ranges of an item's code that linking writes (from its relocations). */
function linkerRanges(item: Item): [number, number][] {
  const start = item.symbol.value;
  return item.section.relocs
    .filter((r) => r.offset >= start && r.offset < start + item.symbol.size)
    .map((r) => {
      const { before, after } = linkerWrittenRange(r.type);
      return [r.offset - start - before, before + after] as [number, number];
    });
}

/** What linking writes in an item's code, by instruction. */
function linkerMask(item: Item): InstructionMask[] {
  return instructionMasks(codeOf(item), linkerRanges(item));
}

const codeOf = (item: Item): Uint8Array => item.section.data.subarray(item.symbol.value, item.symbol.value + item.symbol.size);

function programDefinition(program: ProgramFile, unit: UnitPair, item: Item): ProgramDefinition | null {
  return item.local ? program.local(unit.fileName, item.name) : program.global(item.name);
}

/** Throws unless every function of the old build that the program has is the program's, byte for byte. */
export function verifyProgramIsOldBuild(units: readonly UnitPair[], program: ProgramFile, programArg: string): { compared: number } {
  const differing: string[] = [];
  let compared = 0;
  for (const u of units) {
    for (const item of u.oldItems) {
      if (item.kind !== 'function') continue;
      const def = programDefinition(program, u, item);
      if (!def || !def.function) continue;
      compared++;
      const bytes = program.bytes(def);
      const mask = linkerMask(item);
      if (bytes === null || codeShapeHash(bytes, mask) !== codeShapeHash(codeOf(item), mask, linkerRanges(item))) {
        differing.push(`${item.name}${item.local ? ` (${path.posix.basename(u.fileName)})` : ''}`);
      }
    }
  }
  if (compared === 0) throw new IdentityMismatch(`--program ${programArg} is not the old build: it has none of the old build's functions`);
  if (differing.length > 0) {
    throw new IdentityMismatch(`--program ${programArg} is not the old build: ${differing.length} of ${compared} functions differ (${differing.slice(0, 4).join(', ')}${differing.length > 4 ? ', ...' : ''})`);
  }
  return { compared };
}

/**
 * What the patch relies on: the functions it replaces, the functions and
 * variables it binds. Not a function it leaves out: that one keeps running
 * whatever version it is (in a stream, the version the first program had).
 */
export function patchIdentity(units: readonly UnitPair[], selection: Selection, program: ProgramFile): PatchIdentity {
  const functions = new Map<string, FunctionIdentity>();
  const variables = new Map<string, VariableIdentity>();
  const fileOf = (u: UnitPair, item: Item): string | null => (item.local ? program.fileReference(u.fileName) : null);
  const addFunction = (u: UnitPair, old: Item): void => {
    const def = programDefinition(program, u, old);
    if (!def) return;
    const file = fileOf(u, old);
    const key = `${file ?? ''}:${old.name}`;
    if (functions.has(key)) return;
    const bytes = program.bytes(def);
    if (bytes === null) return;
    const mask = linkerMask(old);
    const hash = codeShapeHash(bytes, mask);
    if (hash !== null) functions.set(key, { name: old.name, file, size: def.size, hash, mask });
  };
  for (const sel of selection.units) {
    const u = sel.unit;
    for (const s of sel.sections) {
      for (const item of sel.unit.new!.itemsBySection.get(s) ?? []) {
        const old = u.correlation.toOld.get(item);
        if (old && item.kind === 'function') addFunction(u, old);
      }
    }
    for (const item of sel.bindings.keys()) {
      const old = u.correlation.toOld.get(item)!;
      if (item.kind === 'function') addFunction(u, old);
      else {
        const def = programDefinition(program, u, old);
        const file = fileOf(u, old);
        if (def) variables.set(`${file ?? ''}:${old.name}`, { name: old.name, file, size: def.size });
      }
    }
  }
  return { format: 1, program: program.name, buildId: program.buildId, functions: [...functions.values()], variables: [...variables.values()] };
}
