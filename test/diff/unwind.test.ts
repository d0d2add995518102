// The CFI parser and the stack unwinder on real gcc -m32 -O2 binaries:
// every unwind row is checked against binutils' readelf, and stacks laid out
// from those rows unwind to the callers the code really has.
import { beforeAll, describe, expect, test } from 'vitest';
import { Capstone, Const, loadCapstone } from 'capstone-wasm';
import { ElfFile, fileOffsetOf } from '../../loader/elf/elf-file.js';
import { PT_GNU_EH_FRAME } from '../../loader/elf/constants.js';
import { FrameTable } from '../../loader/unwind/frame-table.js';
import { RegisterRule } from '../../loader/unwind/cfa-program.js';
import { Registers, unwind } from '../../loader/unwind/unwind.js';
import { ModuleData } from '../../loader/symbols/modules.js';
import { SymbolTable } from '../../loader/symbols/symbol-table.js';
import { ReadelfFde, readelfFrames, readelfRowAt } from '../helpers/readelf-frames.js';
import { faultSample, loadElf, mapOf, moduleFor, sharedObjects } from '../helpers/elf-modules.js';

const REG_NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip'];
const PIE_BIAS = 0x56555000;

function ruleText(rule: RegisterRule | undefined): string {
  if (!rule) return 'u';
  switch (rule.kind) {
    case 'undefined': return 'u';
    case 'same': return 's';
    case 'offset': return `c${rule.offset >= 0 ? '+' : ''}${rule.offset}`;
    case 'valOffset': return `v${rule.offset >= 0 ? '+' : ''}${rule.offset}`;
    case 'register': return `r${rule.register} (${REG_NAMES[rule.register]})`;
    case 'expression': return 'exp';
    case 'valExpression': return 'vexp';
  }
}

function objects(): { name: string; file: () => string }[] {
  const dyn = faultSample('null_deref', 'dyn');
  return [
    { name: 'static executable', file: () => faultSample('null_deref', 'static') },
    { name: 'PIE executable', file: () => dyn },
    { name: 'interpreter', file: () => loadElf(dyn).interpreter! },
    { name: 'C library', file: () => sharedObjects(dyn).get('libc.so.6')! },
  ];
}

describe('.eh_frame parsing agrees with readelf', () => {
  for (const o of objects()) {
    test(o.name, () => {
      const elf = loadElf(o.file());
      const table = FrameTable.fromElf(elf);
      const reference = readelfFrames(elf.path).filter((f) => f.end > f.start);
      const ours = table.all();
      expect(ours.length).toBe(reference.length);
      expect(ours.length).toBeGreaterThan(0);
      const byOffset = new Map(ours.map((f) => [f.offset, f]));
      let rows = 0;
      for (const ref of reference) {
        const fde = byOffset.get(ref.offset);
        expect(fde, `FDE at 0x${ref.offset.toString(16)}`).toBeDefined();
        expect([fde!.start, fde!.end]).toEqual([ref.start, ref.end]);
        expect(table.find(ref.start)?.offset).toBe(ref.offset);
        expect(table.find(ref.end - 1)?.offset).toBe(ref.offset);
        for (const row of ref.rows) {
          const mine = table.rowAt(fde!, row.loc);
          const cfa = mine.cfa.kind === 'expression' ? 'exp' : `${REG_NAMES[mine.cfa.register]}${mine.cfa.offset >= 0 ? '+' : ''}${mine.cfa.offset}`;
          expect(cfa, `CFA at 0x${row.loc.toString(16)}`).toBe(row.cfa);
          for (const [column, expected] of row.rules) {
            const reg = column === 'ra' ? fde!.cie.returnColumn : REG_NAMES.indexOf(column);
            expect(ruleText(mine.rules.get(reg)), `${column} at 0x${row.loc.toString(16)}`).toBe(expected);
          }
          for (const reg of mine.rules.keys()) {
            const column = reg === fde!.cie.returnColumn ? 'ra' : REG_NAMES[reg];
            expect(row.rules.has(column), `rule for ${column} at 0x${row.loc.toString(16)} unknown to readelf`).toBe(true);
          }
          rows++;
        }
      }
      expect(rows).toBeGreaterThan(0);
    });
  }

  test('the .eh_frame_hdr table indexes exactly the FDEs of .eh_frame', () => {
    for (const o of objects().slice(1)) {
      const elf = loadElf(o.file());
      expect(elf.segments.some((s) => s.type === PT_GNU_EH_FRAME)).toBe(true);
      const table = FrameTable.fromElf(elf);
      expect(table.indexed).toBe(true);
      const header = table.headerTable()!;
      expect(header.map((e) => [e.start, e.offset])).toEqual(table.all().map((f) => [f.start, f.offset]));
    }
  });
});

describe('every FDE covers its function', () => {
  for (const variant of ['static', 'dyn'] as const) {
    test(variant, () => {
      const elf = loadElf(faultSample('null_deref', variant));
      const table = FrameTable.fromElf(elf);
      const functions = SymbolTable.fromElf(elf).all().filter((s) => s.kind === 'function' && s.size > 0);
      for (const name of ['crash_here', 'middle', 'outer', 'main']) {
        const f = functions.find((s) => s.name === name)!;
        const fde = table.find(f.start);
        expect(fde, name).not.toBeNull();
        expect(fde!.start).toBe(f.start);
        expect(fde!.end).toBeGreaterThanOrEqual(f.start + f.size);
      }
      const uncovered: string[] = [];
      for (const f of functions) {
        const fde = table.find(f.start);
        if (!fde) {
          uncovered.push(f.name);
          continue;
        }
        expect(fde.start, f.name).toBeLessThanOrEqual(f.start);
        expect(fde.end, f.name).toBeGreaterThanOrEqual(f.start + f.size);
      }
      // only crt1's hand-written pc thunk comes without CFI
      expect(uncovered.filter((n) => !n.startsWith('__x86.get_pc_thunk.'))).toEqual([]);
    });
  }
});

/** Return address of the call from `caller` to `callee` (found by disassembling the caller). */
function returnAddress(cs: Capstone, elf: ElfFile, bias: number, caller: string, callee: string): number {
  const symbols = SymbolTable.fromElf(elf);
  const from = symbols.byName(caller)[0];
  const to = symbols.byName(callee)[0];
  const offset = fileOffsetOf(elf, from.start)!;
  const code = elf.reader.slice(offset, from.size, caller);
  const call = cs.disasm(code, { address: from.start + bias })
    .find((i) => i.mnemonic === 'call' && i.opStr === `0x${(to.start + bias).toString(16)}`);
  if (!call) throw new Error(`no call from ${caller} to ${callee}`);
  return Number(call.address) + call.size;
}

class SyntheticStack {
  readonly words = new Map<number, number>();
  readonly read = (a: number): number | null => this.words.get(a) ?? null;
}

describe('unwinding synthetic stacks laid out from the CFI', () => {
  let cs: Capstone;
  beforeAll(async () => {
    await loadCapstone();
    cs = new Capstone(Const.CS_ARCH_X86, Const.CS_MODE_32);
  });

  for (const variant of ['static', 'dyn'] as const) {
    test(`from every address of crash_here, middle and outer (${variant})`, () => {
      const elf = loadElf(faultSample('null_deref', variant));
      const bias = variant === 'dyn' ? PIE_BIAS : 0;
      const modules = mapOf(moduleFor(elf, bias));
      const reference = readelfFrames(elf.path);
      const symbols = SymbolTable.fromElf(elf);
      const chain = ['crash_here', 'middle', 'outer', 'main'];
      const fdeOf = (pc: number): ReadelfFde => reference.find((f) => pc >= f.start && pc < f.end)!;
      let checked = 0;
      for (let first = 0; first < 3; first++) {
        const fn = symbols.byName(chain[first])[0];
        for (let pc = fn.start; pc < fn.start + fn.size; pc++) {
          const stack = new SyntheticStack();
          const expected: { pc: number; sp: number; name: string }[] = [];
          let sp = 0x7ff00000 - 0x100 * first;
          let at = pc + bias;
          let lookup = pc;
          for (let i = first; i < chain.length - 1; i++) {
            const row = readelfRowAt(fdeOf(lookup), lookup)!;
            const cfaOffset = /^esp\+(\d+)$/.exec(row.cfa);
            expect(cfaOffset, `${chain[i]} at 0x${lookup.toString(16)}: CFA ${row.cfa}`).not.toBeNull();
            const cfa = sp + Number(cfaOffset![1]);
            expected.push({ pc: at, sp, name: chain[i] });
            for (const [column, rule] of row.rules) {
              const slot = /^c-(\d+)$/.exec(rule);
              if (slot && column !== 'ra') stack.words.set(cfa - Number(slot[1]), 0x5a5a0000 + i);
            }
            expect(row.rules.get('ra')).toBe('c-4');
            const ret = returnAddress(cs, elf, bias, chain[i + 1], chain[i]);
            stack.words.set(cfa - 4, ret);
            sp = cfa;
            at = ret;
            lookup = ret - 1 - bias;
          }
          expected.push({ pc: at, sp, name: 'main' });
          const regs: Registers = { eip: pc + bias, esp: expected[0].sp, ebp: 0x11111111, ebx: 0x22222222, esi: 0, edi: 0 };
          const { frames } = unwind(regs, stack.read, modules);
          const got = frames.slice(0, expected.length).map((f) => ({ pc: f.pc, sp: f.sp, name: f.location.symbol?.name }));
          expect(got, `from ${chain[first]}+0x${(pc - fn.start).toString(16)}`).toEqual(expected);
          expect(frames[1].source).toBe('cfi');
          expect(frames[0].cfa).toBe(expected[1].sp);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(40);
    });
  }

  test('a leaf without CFI caught at its entry or its ret shows its caller (glibc start code\'s __x86.get_pc_thunk.bx)', () => {
    const elf = loadElf(faultSample('null_deref', 'dyn'));
    const modules = mapOf(moduleFor(elf, PIE_BIAS));
    const symbols = SymbolTable.fromElf(elf);
    // the thunk the start code defines has no FDE (one with CFI may exist elsewhere under the same name)
    const thunk = symbols.byName('__x86.get_pc_thunk.bx').find((t) => FrameTable.fromElf(elf).find(t.start) === null);
    expect(thunk, 'a get_pc_thunk.bx without CFI').toBeDefined();
    const ret = symbols.byName('main')[0].start + PIE_BIAS + 0x10;
    const entry = thunk!.start + PIE_BIAS;
    const esp = 0x7fe00000;
    for (const [pc, code] of [[entry, 0x24048b8b], [entry + 3, 0x909090c3]]) {
      const stack = new SyntheticStack();
      stack.words.set(esp, ret);
      stack.words.set(pc, code);
      // EBP 0 must not be taken for the outermost frame: -O2 code uses EBP as it likes
      const { frames, stop } = unwind({ eip: pc, esp, ebp: 0 }, stack.read, modules);
      expect(frames[1]?.location.symbol?.name, `at +${pc - entry}`).toBe('main');
      expect(frames[1].source).toBe('stack');
      expect(stop).not.toBe('outermost');
    }
  });

  test('PLT entries: the CFA expression accounts for the pushed relocation index', () => {
    const elf = loadElf(faultSample('null_deref', 'dyn'));
    const modules = mapOf(moduleFor(elf, PIE_BIAS));
    const plt = elf.sections.find((s) => s.name === '.plt')!;
    const caller = SymbolTable.fromElf(elf).byName('main')[0];
    const ret = caller.start + PIE_BIAS + 0x10;
    const entries = plt.size / 16 - 1;
    expect(entries).toBeGreaterThan(0);
    for (let k = 1; k <= entries; k++) {
      const entry = plt.addr + 16 * k + PIE_BIAS;
      // at the entry, the return address is on top; after `push index` (the 11th byte) one word lower
      for (const [offset, depth] of [[0, 0], [6, 0], [11, 4], [15, 4]]) {
        const stack = new SyntheticStack();
        const esp = 0x7fe00000;
        stack.words.set(esp + depth, ret);
        const { frames } = unwind({ eip: entry + offset, esp }, stack.read, modules);
        expect(frames[1]?.pc, `PLT entry ${k} +${offset}`).toBe(ret);
        expect(frames[1].sp).toBe(esp + depth + 4);
        expect(frames[1].location.symbol?.name).toBe('main');
      }
    }
  });

  test('the walk ends cleanly: outermost frame, return address 0, unreadable stack, depth limit', () => {
    const elf = loadElf(faultSample('null_deref', 'static'));
    const modules = mapOf(moduleFor(elf, 0));
    const symbols = SymbolTable.fromElf(elf);
    const start = symbols.byName('_start')[0];
    // _start's CFI marks the return address undefined
    expect(unwind({ eip: start.start + 1, esp: 0x7ff00000 }, () => 0, modules).stop).toBe('outermost');
    const crash = symbols.byName('crash_here')[0];
    const zero = unwind({ eip: crash.start, esp: 0x7ff00000 }, (a) => (a === 0x7ff00000 ? 0 : null), modules);
    expect(zero.stop).toBe('null-return');
    expect(zero.frames.length).toBe(1);
    expect(unwind({ eip: crash.start, esp: 0x7ff00000 }, () => null, modules).stop).toBe('unreadable');
    const limited = unwind({ eip: crash.start, esp: 0x7ff00000 }, (a) => (a >= 0x7ff00000 ? crash.start + 1 : null), modules, { maxFrames: 5 });
    expect(limited.stop).toBe('depth-limit');
    expect(limited.frames.length).toBe(5);
  });

  test('without CFI, the EBP chain is followed', () => {
    const full = loadElf(faultSample('null_deref', 'static'));
    // the same file with its call frame information hidden
    const bare: ElfFile = {
      ...full,
      sections: full.sections.map((s) => (s.name.startsWith('.eh_frame') ? { ...s, name: '.hidden' } : s)),
      segments: full.segments.filter((s) => s.type !== PT_GNU_EH_FRAME),
    };
    expect(new ModuleData(bare).frames.isEmpty).toBe(true);
    const modules = mapOf(moduleFor(bare, 0));
    const symbols = SymbolTable.fromElf(bare);
    const at = (name: string, off: number): number => symbols.byName(name)[0].start + off;
    const stack = new SyntheticStack();
    // crash_here's frame at 0x7ff00100 called from middle, whose frame at 0x7ff00200 was called from main; EBP 0 ends it
    stack.words.set(0x7ff00100, 0x7ff00200);
    stack.words.set(0x7ff00104, at('middle', 0x17));
    stack.words.set(0x7ff00200, 0);
    stack.words.set(0x7ff00204, at('main', 0x45));
    const { frames, stop } = unwind({ eip: at('crash_here', 3), esp: 0x7ff000f0, ebp: 0x7ff00100 }, stack.read, modules);
    expect(frames.map((f) => [f.location.symbol?.name, f.source])).toEqual([
      ['crash_here', 'registers'], ['middle', 'frame-pointer'], ['main', 'frame-pointer'],
    ]);
    expect(frames[2].sp).toBe(0x7ff00208);
    // the end by convention, said apart from a CFI end: -O2 code may hold 0 in EBP anywhere
    expect(stop).toBe('frame-pointer-zero');
    // a frame pointer that does not move up is not followed forever
    stack.words.set(0x7ff00200, 0x7ff00100);
    expect(unwind({ eip: at('crash_here', 3), esp: 0x7ff000f0, ebp: 0x7ff00100 }, stack.read, modules).stop).toBe('no-progress');
  });

  for (const rt of [false, true]) {
    test(`through a signal frame (${rt ? 'rt_sigreturn' : 'sigreturn'}): the interrupted pc is exact`, () => {
      const elf = loadElf(faultSample('null_deref', 'static'));
      const modules = mapOf(moduleFor(elf, 0));
      const symbols = SymbolTable.fromElf(elf);
      const [outer, middle] = [symbols.byName('outer')[0], symbols.byName('middle')[0]];
      const stack = new SyntheticStack();
      const putBytes = (at: number, bytes: number[]): void => {
        const padded = [...bytes, 0, 0, 0, 0, 0, 0, 0, 0];
        // the reader answers unaligned reads too, like guest memory
        for (let i = -3; i < bytes.length; i++) {
          const b = (k: number): number => (i + k >= 0 ? padded[i + k] : 0);
          stack.words.set(at + i, (b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24)) >>> 0);
        }
      };
      // the handler (here `outer`, at its first byte) returns into a trampoline outside every module
      const trampoline = 0x7fff0000;
      putBytes(trampoline, rt ? [0xb8, 173, 0, 0, 0, 0xcd, 0x80] : [0x58, 0xb8, 119, 0, 0, 0, 0xcd, 0x80]);
      const handlerSp = 0x7ff00000;
      stack.words.set(handlerSp, trampoline);
      const sigSp = handlerSp + 4; // ESP at the frame's sig field once the handler returned
      const sc = rt ? 0x7ff00400 + 20 : sigSp + 4;
      if (rt) stack.words.set(sigSp + 8, 0x7ff00400); // rt_sigframe.puc
      // the signal hit `middle` at its very first byte: looking up pc-1 would name the function before it
      const interruptedSp = 0x7ff10000;
      const scWords: [number, number][] = [[16, 0], [20, 0], [24, 0], [28, interruptedSp], [32, 0], [36, 0], [40, 0], [44, 0], [56, middle.start]];
      for (const [offset, value] of scWords) stack.words.set(sc + offset, value);
      const intoOuter = returnAddress(cs, elf, 0, 'outer', 'middle');
      stack.words.set(interruptedSp, intoOuter);
      const { frames } = unwind({ eip: outer.start, esp: handlerSp }, stack.read, modules);
      expect(frames.slice(0, 4).map((f) => [f.pc, f.source, f.signalTrampoline, f.location.symbol?.name ?? null])).toEqual([
        [outer.start, 'registers', false, 'outer'],
        [trampoline, 'cfi', true, null],
        [middle.start, 'sigcontext', false, 'middle'],
        [intoOuter, 'cfi', false, 'outer'],
      ]);
      expect(frames[2].sp).toBe(interruptedSp);
      expect(frames[2].location.offset).toBe(0);
    });
  }

  test('a call to a bad address: the return address is on top of the stack', () => {
    const elf = loadElf(faultSample('call_null', 'dyn'));
    const modules = mapOf(moduleFor(elf, PIE_BIAS));
    const dispatch = SymbolTable.fromElf(elf).byName('dispatch')[0];
    const ret = dispatch.start + PIE_BIAS + 0x10;
    const stack = new SyntheticStack();
    stack.words.set(0x7ff00000, ret);
    const { frames } = unwind({ eip: 0, esp: 0x7ff00000 }, stack.read, modules);
    expect(frames[0].location.module).toBeNull();
    expect(frames[1]).toMatchObject({ pc: ret, sp: 0x7ff00004, source: 'stack' });
    expect(frames[1].location.symbol?.name).toBe('dispatch');
  });
});
