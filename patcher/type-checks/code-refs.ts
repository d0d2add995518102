// What each function of a module touches, read from its machine code: the
// functions it calls (direct calls and tail jumps) and the data addresses it
// reads, writes or takes (absolute in a non-PIE, GOT-relative in PIC code:
// `[ebx + off]` once `call __x86.get_pc_thunk.bx; add ebx, N` has put the
// GOT's address in ebx), and which functions have their address taken
// (loaded into a register or stored in data), whose callers cannot all be
// known. Link-time addresses throughout; read once per file.
import { Capstone, Const } from 'capstone-wasm';
import type { ElfFile } from '../../loader/elf/elf-file.js';
import { fileRangeOf } from '../../loader/elf/elf-file.js';
import { ET_EXEC } from '../../loader/elf/constants.js';
import type { SymbolEntry, SymbolTable } from '../../loader/symbols/symbol-table.js';

export interface FunctionRefs {
  symbol: SymbolEntry;
  /** Link-time entries of the functions it calls or tail-jumps to. */
  calls: Set<number>;
  /** Link-time data addresses it names (the start of what it indexes). */
  data: Set<number>;
  /** Per instruction: where control goes next inside the function, and the data it names (for what is still reachable from a point). */
  code: Map<number, { succ: number[]; data: number[] }>;
  /** An indirect jump inside the function (a switch table): every instruction may follow any. */
  indirect: boolean;
}

/** Data named by the instructions reachable from `from` (a resume point inside the function). */
export function reachableData(f: FunctionRefs, from: number): Set<number> {
  if (f.indirect || !f.code.has(from)) return f.data;
  const out = new Set<number>();
  const seen = new Set<number>([from]);
  const work = [from];
  while (work.length > 0) {
    const at = work.pop()!;
    const insn = f.code.get(at);
    if (!insn) continue;
    for (const d of insn.data) out.add(d);
    for (const n of insn.succ) if (!seen.has(n)) {
      seen.add(n);
      work.push(n);
    }
  }
  return out;
}

/** Instructions reachable from `from`, as a predicate (everything, when that cannot be known). */
export function reachableCode(f: FunctionRefs, from: number): (address: number) => boolean {
  if (f.indirect || !f.code.has(from)) return () => true;
  const seen = new Set<number>([from]);
  const work = [from];
  while (work.length > 0) {
    const insn = f.code.get(work.pop()!);
    if (!insn) continue;
    for (const n of insn.succ) if (!seen.has(n)) {
      seen.add(n);
      work.push(n);
    }
  }
  return (address) => seen.has(address);
}

export interface ModuleRefs {
  functions: FunctionRefs[];
  /** Function entries whose address is taken (code or data): callers unknowable. */
  addressTaken: Set<number>;
  /** The disassembler was not available: nothing is known (the checks say so). */
  unavailable: boolean;
}

const cache = new WeakMap<ElfFile, ModuleRefs>();

const REGS: Record<string, string> = {
  eax: 'eax', ax: 'eax', al: 'eax', ah: 'eax', ebx: 'ebx', bx: 'ebx', bl: 'ebx', bh: 'ebx',
  ecx: 'ecx', cx: 'ecx', cl: 'ecx', ch: 'ecx', edx: 'edx', dx: 'edx', dl: 'edx', dh: 'edx',
  esi: 'esi', si: 'esi', edi: 'edi', di: 'edi', ebp: 'ebp', bp: 'ebp',
};
/** Instructions that do not write their first operand. */
const NO_WRITE = /^(cmp|test|push|call|jmp|j[a-z]+|ret|bt|nop|ucomis[sd]|comis[sd]|leave|int|hlt|ud2|endbr32)$/;
/** SHT_PROGBITS, SHT_INIT_ARRAY, SHT_FINI_ARRAY, SHT_PREINIT_ARRAY: where data may hold a function's address. */
const DATA_TYPES = new Set([1, 14, 15, 16]);
const THUNK = /^__x86\.get_pc_thunk\.(\w+)$/;
const MEMORY = /\[([^\]]+)\]/g;

function number(text: string): number | null {
  return /^(0x[0-9a-f]+|\d+)$/.test(text) ? Number(text) : null;
}

/** The address a memory operand names, when its base is a register of known value or there is none. */
function operandAddress(inner: string, known: Map<string, number>): number | null {
  const terms = inner.replace(/\s*-\s*/g, ' + -').split(/\s*\+\s*/).map((t) => t.trim()).filter((t) => t !== '');
  let address = 0;
  let base = false;
  for (const t of terms) {
    const neg = t.startsWith('-');
    const v = number(neg ? t.slice(1) : t);
    if (v !== null) {
      address += neg ? -v : v;
      continue;
    }
    if (t.includes('*')) continue; // an index: the operand names an element of what starts at base + disp
    const reg = REGS[t];
    if (reg === undefined) return null; // a segment or another register form
    const value = known.get(reg);
    if (value === undefined || base) return null;
    address += value;
    base = true;
  }
  if (!base && terms.some((t) => REGS[t.replace(/\*.*$/, '')] !== undefined)) return null;
  return address >>> 0;
}

export function moduleRefs(elf: ElfFile, symbols: SymbolTable): ModuleRefs {
  let refs = cache.get(elf);
  if (!refs) cache.set(elf, (refs = readRefs(elf, symbols)));
  return refs;
}

function readRefs(elf: ElfFile, symbols: SymbolTable): ModuleRefs {
  const functions = symbols.all().filter((s) => s.kind === 'function' && s.size > 0);
  const entries = new Set(functions.map((f) => f.start));
  const thunks = new Map<number, string>();
  for (const f of functions) {
    const m = THUNK.exec(f.name);
    if (m) thunks.set(f.start, REGS[m[1]] ?? m[1]);
  }
  /** A call target that is a pc thunk (`mov REG, [esp]; ret`), known by its code when its symbol is not the one kept. */
  const thunkAt = (target: number): string | undefined => {
    const known = thunks.get(target);
    if (known !== undefined) return known;
    const at = fileRangeOf(elf, target, 4);
    if (at === null) return undefined;
    const b = elf.reader.bytes;
    if (b[at] !== 0x8b || (b[at + 1] & 0xc7) !== 0x04 || b[at + 2] !== 0x24 || b[at + 3] !== 0xc3) return undefined;
    const reg = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'][(b[at + 1] >> 3) & 7];
    thunks.set(target, reg);
    return reg;
  };
  const absolute = elf.type === ET_EXEC;
  const out: ModuleRefs = { functions: [], addressTaken: new Set(), unavailable: false };
  let cs: Capstone;
  try {
    cs = new Capstone(Const.CS_ARCH_X86, Const.CS_MODE_32);
  } catch {
    return { ...out, unavailable: true };
  }
  try {
    const seen = new Set<number>();
    for (const f of functions) {
      if (seen.has(f.start)) continue; // aliases share code
      seen.add(f.start);
      const at = fileRangeOf(elf, f.start, f.size);
      const r: FunctionRefs = { symbol: f, calls: new Set(), data: new Set(), code: new Map(), indirect: false };
      out.functions.push(r);
      if (at === null) continue;
      const known = new Map<string, number>();
      for (const insn of cs.disasm(elf.reader.bytes.subarray(at, at + f.size), { address: f.start })) {
        const address = Number(insn.address);
        const next = address + insn.size;
        const ops = insn.opStr === '' ? [] : insn.opStr.split(', ');
        const m = insn.mnemonic;
        const target = ops.length === 1 ? number(ops[0]) : null;
        const inside = (a: number | null): a is number => a !== null && a >= f.start && a < f.start + f.size;
        const step: { succ: number[]; data: number[] } = { succ: [], data: [] };
        r.code.set(address, step);
        if (m === 'ret' || m === 'hlt' || m === 'ud2' || m === 'iret') step.succ = [];
        else if (m === 'jmp') {
          if (inside(target)) step.succ = [target];
          else if (target === null) r.indirect = true;
        } else if (/^j/.test(m) || m === 'loop' || m === 'loope' || m === 'loopne') step.succ = inside(target) ? [target, next] : [next];
        else step.succ = [next];
        if (m === 'call' && target !== null) {
          const thunkReg = thunkAt(target);
          if (thunkReg) {
            known.set(thunkReg, next);
            continue;
          }
          r.calls.add(target);
          for (const reg of ['eax', 'ecx', 'edx']) known.delete(reg);
          continue;
        }
        if (m === 'jmp' && target !== null && (target < f.start || target >= f.start + f.size)) {
          r.calls.add(target);
          continue;
        }
        // data named by memory operands (lea included: the address is taken)
        for (const mem of insn.opStr.matchAll(MEMORY)) {
          const a = operandAddress(mem[1], known);
          if (a === null) continue;
          if (entries.has(a)) out.addressTaken.add(a);
          else step.data.push(a);
        }
        // absolute addresses as immediates (non-PIE: `mov eax, OFFSET`, `push OFFSET`)
        if (absolute) {
          for (const op of ops) {
            const v = number(op);
            if (v === null || v < 0x1000) continue;
            if (entries.has(v) && m !== 'call' && m !== 'jmp') out.addressTaken.add(v);
            else step.data.push(v);
          }
        }
        for (const d of step.data) r.data.add(d);
        // register values: `add REG, IMM` after the thunk gives the GOT; any other write forgets
        const first = ops[0] ? REGS[ops[0]] : undefined;
        if (first === undefined || NO_WRITE.test(m)) continue;
        const imm = ops[1] !== undefined ? number(ops[1]) : null;
        const value = known.get(first);
        if (m === 'add' && imm !== null && value !== undefined && ops[0] === first) known.set(first, (value + imm) >>> 0);
        else if (m === 'sub' && imm !== null && value !== undefined && ops[0] === first) known.set(first, (value - imm) >>> 0);
        else known.delete(first);
        if (m === 'xchg' && ops[1] && REGS[ops[1]]) known.delete(REGS[ops[1]]);
      }
    }
  } finally {
    cs.close();
  }
  // function addresses stored in data (tables of handlers, init arrays): PIE keeps link-time values in place
  for (const s of elf.sections) {
    if (!DATA_TYPES.has(s.type) || !(s.flags & 2 /* SHF_ALLOC */) || s.flags & 4 /* SHF_EXECINSTR */ || s.size < 4 || s.name.startsWith('.eh_frame')) continue;
    const bytes = elf.reader.slice(s.offset, s.size, s.name);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i + 4 <= bytes.length; i += 4) {
      const v = view.getUint32(i, true);
      if (entries.has(v)) out.addressTaken.add(v);
    }
  }
  return out;
}
