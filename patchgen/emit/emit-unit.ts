// Pass 7, "write the object": one relocatable object per unit the patch
// takes something from, holding exactly the selected sections. Each
// relocation is rewritten for where its target now lives: a section of
// this object (kept as it was), a definition bound to the running program
// (an undefined symbol: NAME or dsu.old.FILE:NAME, its addend made relative
// to that definition), or a name the unit never defined (kept). A
// GOTOFF reference to the program's data cannot be expressed in a shared
// object (ld refuses it), so it is written as R_386_32 with a marker
// symbol, and turned back into R_386_GOTOFF once linked (link.ts). The
// unit's source file name heads the symbol table so that the patch's
// statics are matched by file, and the unit's unwind and debug information
// comes along for the sections kept.
import {
  R_386_32, R_386_GOTOFF, SHN_COMMON, SHN_UNDEF, STB_GLOBAL, STB_LOCAL, STT_FILE, STT_NOTYPE, STT_SECTION,
} from '../../loader/elf/constants.js';
import { ObjReloc, ObjSection, ObjSymbol, SHF_ALLOC, SHF_GROUP } from '../object/relocatable.js';
import { OutReloc, OutSection, OutSymbol, writeRelocatable } from '../object/write-relocatable.js';
import { filterEhFrame } from '../object/eh-frame.js';
import { fieldSize, isTls } from '../object/relocation-fields.js';
import { targetOf } from '../diff/targets.js';
import type { UnitSelection } from '../select/include.js';

/** Prefix of the marker symbols that name GOTOFF fields to restore after linking. */
export const GOTOFF_MARKER = 'dsu.gotoff.';

/** Debug information that describes the unit; kept with relocations to what was kept. */
const DEBUG = /^\.debug_/;
/** What a dropped address in debug information becomes (DWARF 5's "tombstone"): no real code is there. */
const TOMBSTONE = 0xffffffff;

export class EmitError extends Error {}

export interface EmittedUnit {
  key: string;
  bytes: Uint8Array;
  /** Marker symbol names, one per GOTOFF field rewritten as R_386_32. */
  gotoffMarkers: string[];
}

export function emitUnit(sel: UnitSelection, markerBase: number): EmittedUnit {
  const obj = sel.unit.new!.object;
  const view = sel.unit.new!;
  const sections: OutSection[] = [];
  const symbols: OutSymbol[] = [];
  const outIndexOf = new Map<ObjSection, number>();
  const sectionSymbol = new Map<number, number>();
  const defined = new Map<ObjSymbol, number>();
  const undefinedNamed = new Map<string, number>();
  const markers: string[] = [];

  symbols.push({ name: sel.unit.fileName, value: 0, size: 0, type: STT_FILE, bind: STB_LOCAL, visibility: 0, section: 'abs' });
  const addSection = (s: OutSection): number => {
    const k = sections.length;
    sections.push(s);
    sectionSymbol.set(k, symbols.length);
    symbols.push({ name: '', value: 0, size: 0, type: STT_SECTION, bind: STB_LOCAL, visibility: 0, section: k });
    return k;
  };
  const kept = obj.sections.filter((s) => sel.sections.has(s));
  for (const s of kept) {
    const k = addSection({ name: s.name, type: s.type, flags: s.flags & ~SHF_GROUP, align: s.align, entsize: s.entsize, data: Uint8Array.from(s.data), size: s.size, relocs: [] });
    outIndexOf.set(s, k);
  }
  // definitions of the kept sections; a COMDAT member's (the pc thunks) stays local to this object
  for (const s of kept) {
    for (const sym of s.symbols) {
      const renamed = [...sel.renames].find(([item]) => item.symbol === sym)?.[1];
      const local = sym.bind === STB_LOCAL || (s.flags & SHF_GROUP) !== 0;
      defined.set(sym, symbols.length);
      symbols.push({
        name: renamed ?? sym.name, value: sym.value, size: sym.size, type: sym.type, bind: local ? STB_LOCAL : sym.bind,
        visibility: local ? 0 : sym.visibility, section: outIndexOf.get(s)!,
      });
    }
  }
  const undefinedSymbol = (name: string): number => {
    let k = undefinedNamed.get(name);
    if (k === undefined) {
      k = symbols.length;
      symbols.push({ name, value: 0, size: 0, type: STT_NOTYPE, bind: STB_GLOBAL, visibility: 0, section: 'undef' });
      undefinedNamed.set(name, k);
    }
    return k;
  };

  /** The output relocation for `r` of an allocated section, with the field rewritten when its target is bound. */
  const rewrite = (r: ObjReloc, out: OutSection): OutReloc => {
    const sym = obj.symbols[r.symbol];
    if (isTls(r.type)) throw new EmitError(`${sel.unit.key}: the patch's code uses thread-local storage (${sym.name || 'a TLS variable'}), which dsu does not link`);
    if (sym.shndx === SHN_UNDEF || sym.shndx === SHN_COMMON) return { offset: r.offset, type: r.type, symbol: undefinedSymbol(sym.name) };
    const home = obj.sections[sym.shndx];
    if (sel.sections.has(home)) {
      const symbol = sym.type === STT_SECTION ? sectionSymbol.get(outIndexOf.get(home)!)! : defined.get(sym);
      if (symbol === undefined) throw new EmitError(`${sel.unit.key}: relocation against ${sym.name} of ${home.name}, which was not kept`);
      return { offset: r.offset, type: r.type, symbol };
    }
    const t = targetOf(view, r);
    const bound = t.kind === 'item' ? sel.bindings.get(t.item) : undefined;
    if (t.kind !== 'item' || bound === undefined) {
      throw new EmitError(`${sel.unit.key}: ${out.name}+0x${r.offset.toString(16)} refers to ${sym.name || home.name}, which the patch neither includes nor binds`);
    }
    const addend = sym.value + r.addend - t.item.symbol.value;
    writeField(out.data, r.offset, fieldSize(r.type) ?? 4, addend);
    if (r.type === R_386_GOTOFF) {
      const marker = `${GOTOFF_MARKER}${markerBase + markers.length}`;
      markers.push(marker);
      symbols.push({ name: marker, value: r.offset, size: 0, type: STT_NOTYPE, bind: STB_LOCAL, visibility: 0, section: sections.indexOf(out) });
      return { offset: r.offset, type: R_386_32, symbol: undefinedSymbol(bound) };
    }
    return { offset: r.offset, type: r.type, symbol: undefinedSymbol(bound) };
  };

  kept.forEach((s) => {
    const out = sections[outIndexOf.get(s)!];
    out.relocs = s.relocs.map((r) => rewrite(r, out));
  });

  // unwind information for the kept functions
  const ehFrame = obj.sections.find((s) => s.name === '.eh_frame');
  if (ehFrame) {
    const frames = filterEhFrame(ehFrame, (pc) => {
      const sym = obj.symbols[pc.symbol];
      return sym.shndx !== SHN_UNDEF && sel.sections.has(obj.sections[sym.shndx]);
    });
    if (frames.data.length > 0) {
      const k = addSection({ name: '.eh_frame', type: ehFrame.type, flags: ehFrame.flags, align: ehFrame.align, entsize: 0, data: frames.data, size: frames.data.length, relocs: [] });
      sections[k].relocs = frames.relocs.map((r) => rewrite(r, sections[k]));
    }
  }

  // debug information: references to what the patch does not contain get the tombstone
  const debug = obj.sections.filter((s) => DEBUG.test(s.name) && (s.flags & SHF_ALLOC) === 0);
  const debugIndex = new Map<ObjSection, number>();
  for (const s of debug) {
    debugIndex.set(s, addSection({ name: s.name, type: s.type, flags: s.flags, align: s.align, entsize: s.entsize, data: Uint8Array.from(s.data), size: s.size, relocs: [] }));
  }
  for (const s of debug) {
    const out = sections[debugIndex.get(s)!];
    for (const r of s.relocs) {
      const sym = obj.symbols[r.symbol];
      const home = sym.shndx === SHN_UNDEF || sym.shndx >= obj.sections.length ? null : obj.sections[sym.shndx];
      const here = home ? (outIndexOf.get(home) ?? debugIndex.get(home)) : undefined;
      if (here === undefined) {
        const size = fieldSize(r.type) ?? 4;
        if (size === 4) writeField(out.data, r.offset, 4, TOMBSTONE | 0);
        continue;
      }
      const symbol = sym.type === STT_SECTION ? sectionSymbol.get(here)! : defined.get(sym);
      if (symbol === undefined) continue;
      out.relocs.push({ offset: r.offset, type: r.type, symbol });
    }
  }
  addSection({ name: '.note.GNU-stack', type: 1, flags: 0, align: 1, entsize: 0, data: new Uint8Array(0), size: 0, relocs: [] });
  return { key: sel.unit.key, bytes: writeRelocatable(sections, symbols), gotoffMarkers: markers };
}

function writeField(data: Uint8Array, at: number, size: number, value: number): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (size === 4) view.setInt32(at, value | 0, true);
  else if (size === 2) view.setInt16(at, value, true);
  else if (size === 1) view.setInt8(at, value);
}
