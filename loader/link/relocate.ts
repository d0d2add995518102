// Applying the object's relocations to its image (i386 psABI, REL: the
// addend is the word in place unless a RELA entry gives it). With B the
// bias, S the symbol's run-time address, A the addend, P the run-time
// address of the word and GOT the run-time DT_PLTGOT:
//   R_386_32 S+A   PC32 S+A-P   GLOB_DAT, JUMP_SLOT S (bound now, not lazily)
//   RELATIVE B+A   GOTOFF S+A-GOT   GOTPC GOT+A-P   PLT32 S+A-P (no PLT: direct)
// GOTOFF, GOTPC and PLT32 are static relocations a linker resolves; they
// are applied with these formulas if a dynamic table holds them.
// Refused, by name: TLS relocations (dsu sets up no TLS block for the
// object), COPY (a patch must not move the program's data), IRELATIVE (the
// resolver would be the object's own code, not yet mapped), and the rest.
import { RELOC_NAMES } from '../elf/constants.js';
import {
  R_386_32, R_386_COPY, R_386_GLOB_DAT, R_386_GOTOFF, R_386_GOTPC, R_386_IRELATIVE, R_386_JUMP_SLOT, R_386_NONE,
  R_386_PC32, R_386_PLT32, R_386_RELATIVE,
} from '../elf/constants.js';
import { ProblemList } from './errors.js';
import { LinkImage } from './link-image.js';
import { DynamicRelocation } from './dynamic-relocations.js';
import type { ElfSymbol } from '../elf/symbols.js';

/** A symbol's binding: its run-time address, or an IFUNC resolver's. */
export interface BoundSymbol {
  address: number;
  ifunc: boolean;
}

/** A word whose value waits for an IFUNC resolver: resolved + delta. */
export interface PendingWord {
  /** Link-time address of the word. */
  at: number;
  resolver: number;
  delta: number;
  symbol: string;
}

export interface RelocationContext {
  image: LinkImage;
  bias: number;
  /** Run-time DT_PLTGOT, or null when the object has none. */
  got: number | null;
  symbols: readonly ElfSymbol[];
  /**
   * The object declares text relocations (DT_TEXTREL or DF_TEXTREL): ld.so
   * then makes its read-only segments writable while it relocates. Without
   * it, a relocation of a read-only word would fault in ld.so: refused.
   */
  textrel: boolean;
  /** The binding of symbol `index`, or null when it could not be bound (already reported). */
  bind(index: number): BoundSymbol | null;
  problems: ProblemList;
}

const SUPPORTED = new Set([R_386_32, R_386_PC32, R_386_GLOB_DAT, R_386_JUMP_SLOT, R_386_RELATIVE, R_386_GOTOFF, R_386_GOTPC, R_386_PLT32]);
const TLS_TYPES = new Set([14, 15, 16, 17, 18, 19, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 39, 40, 41]);

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** The TLS relocations of GNU's i386 TLS model that constants.ts does not name. */
const MORE_NAMES: Record<number, string> = {
  24: 'R_386_TLS_GD_32', 25: 'R_386_TLS_GD_PUSH', 26: 'R_386_TLS_GD_CALL', 27: 'R_386_TLS_GD_POP',
  28: 'R_386_TLS_LDM_32', 29: 'R_386_TLS_LDM_PUSH', 30: 'R_386_TLS_LDM_CALL', 31: 'R_386_TLS_LDM_POP',
  33: 'R_386_TLS_IE_32', 34: 'R_386_TLS_LE_32',
};

function relocationName(type: number): string {
  return RELOC_NAMES[type] ?? MORE_NAMES[type] ?? `relocation type ${type}`;
}

function refusal(type: number): { kind: 'tls' | 'relocation'; why: string } | null {
  if (SUPPORTED.has(type)) return null;
  if (TLS_TYPES.has(type)) return { kind: 'tls', why: 'thread-local storage is not supported in linked objects' };
  if (type === R_386_COPY) return { kind: 'relocation', why: 'a copy relocation would move the program\'s data' };
  if (type === R_386_IRELATIVE) return { kind: 'relocation', why: 'an IFUNC defined in the object itself is not supported' };
  return { kind: 'relocation', why: 'not supported' };
}

function describe(ctx: RelocationContext, r: DynamicRelocation): string {
  const sym = r.symbol === 0 ? null : ctx.symbols[r.symbol];
  const name = sym ? ` (symbol ${sym.name || `#${r.symbol}`})` : r.symbol === 0 ? '' : ` (symbol #${r.symbol})`;
  return `${relocationName(r.type)} at ${hex(r.offset)}${name}`;
}

/** Relocates the image; returns the words that wait for IFUNC resolvers. */
export function relocate(ctx: RelocationContext, entries: readonly DynamicRelocation[], relative: readonly number[]): PendingWord[] {
  const { image, bias, problems } = ctx;
  for (const at of relative) {
    if (!image.contains(at, 4)) {
      problems.add({ kind: 'relocation', subject: 'DT_RELR', message: `DT_RELR relocation at ${hex(at)} is outside the object's segments` });
      continue;
    }
    if (!ctx.textrel && !image.writable(at, 4)) {
      problems.add({ kind: 'relocation', subject: 'DT_RELR', message: `DT_RELR relocation at ${hex(at)} is in a read-only segment, and the object declares no text relocations (DT_TEXTREL)` });
      continue;
    }
    image.write32(at, image.read32(at) + bias);
  }
  const pending: PendingWord[] = [];
  for (const r of entries) {
    if (r.type === R_386_NONE && !r.plt) continue;
    // ld.so takes only these from the PLT's table (glibc's elf_machine_lazy_rel: any other is fatal)
    if (r.plt && r.type !== R_386_JUMP_SLOT && r.type !== R_386_IRELATIVE) {
      problems.add({ kind: 'relocation', subject: relocationName(r.type), message: `${describe(ctx, r)} is in DT_JMPREL, which holds only R_386_JUMP_SLOT relocations` });
      continue;
    }
    const refused = refusal(r.type);
    if (refused) {
      problems.add({ kind: refused.kind, subject: relocationName(r.type), message: `${describe(ctx, r)}: ${refused.why}` });
      continue;
    }
    if (!image.contains(r.offset, 4)) {
      problems.add({ kind: 'relocation', subject: relocationName(r.type), message: `${describe(ctx, r)} is outside the object's segments` });
      continue;
    }
    // a GOT slot is a whole word
    if ((r.type === R_386_JUMP_SLOT || r.type === R_386_GLOB_DAT) && r.offset % 4 !== 0) {
      problems.add({ kind: 'relocation', subject: relocationName(r.type), message: `${describe(ctx, r)} is not word-aligned: it is no GOT slot` });
      continue;
    }
    if (!ctx.textrel && !image.writable(r.offset, 4)) {
      problems.add({ kind: 'relocation', subject: relocationName(r.type), message: `${describe(ctx, r)} is in a read-only segment, and the object declares no text relocations (DT_TEXTREL)` });
      continue;
    }
    if (r.symbol >= ctx.symbols.length) {
      problems.add({ kind: 'relocation', subject: relocationName(r.type), message: `${describe(ctx, r)} names symbol ${r.symbol} of ${ctx.symbols.length}` });
      continue;
    }
    // a GOT slot holds some symbol's address: one naming none would hold 0 (ld.so: the object's base)
    if ((r.type === R_386_JUMP_SLOT || r.type === R_386_GLOB_DAT) && r.symbol === 0) {
      problems.add({ kind: 'relocation', subject: relocationName(r.type), message: `${describe(ctx, r)} names no symbol` });
      continue;
    }
    const needsGot = r.type === R_386_GOTOFF || r.type === R_386_GOTPC;
    if (needsGot && ctx.got === null) {
      problems.add({ kind: 'relocation', subject: relocationName(r.type), message: `${describe(ctx, r)} needs a GOT, and the object has no DT_PLTGOT` });
      continue;
    }
    const a = r.addend ?? image.read32(r.offset);
    const p = (r.offset + bias) >>> 0;
    const got = ctx.got ?? 0;
    // RELATIVE and GOTPC name no symbol (ld.so ignores one if they do)
    if (r.type === R_386_RELATIVE) {
      image.write32(r.offset, bias + a);
      continue;
    }
    if (r.type === R_386_GOTPC) {
      image.write32(r.offset, got + a - p);
      continue;
    }
    const bound = r.symbol === 0 ? { address: 0, ifunc: false } : ctx.bind(r.symbol);
    if (!bound) continue;
    // value = S + delta, so an IFUNC's S can be filled in once its resolver ran
    let delta: number;
    if (r.type === R_386_32) delta = a;
    else if (r.type === R_386_PC32 || r.type === R_386_PLT32) delta = a - p;
    else if (r.type === R_386_GOTOFF) delta = a - got;
    else delta = 0; // GLOB_DAT, JUMP_SLOT
    if (bound.ifunc) pending.push({ at: r.offset, resolver: bound.address, delta, symbol: ctx.symbols[r.symbol].name });
    else image.write32(r.offset, bound.address + delta);
  }
  return pending;
}
