// Walking a stopped thread's stack: from its registers to the chain of
// callers, using each module's .eh_frame CFI (gcc omits frame pointers at -O2
// on i386) and falling back to the EBP chain where there is none. It needs
// only the registers, a memory reader and the module map, so it works on any
// stopped thread, for fault reports and for the patcher's safety checks.
import { Location, ModuleMap } from '../symbols/modules.js';
import { CfaRule, RegisterRule, UnwindRow } from './cfa-program.js';
import { evaluateExpression, ExpressionMachine } from './dwarf-expr.js';
import { Fde } from './eh-frame.js';
import { Trampoline, interruptedRegisters, sigcontextAddress, trampolineAt } from './sigtramp.js';

/** i386 registers, as far as unwinding uses them. */
export interface Registers {
  eip: number;
  esp: number;
  ebp?: number;
  ebx?: number;
  esi?: number;
  edi?: number;
  eax?: number;
  ecx?: number;
  edx?: number;
}

/** A 32-bit little-endian read of the target's memory, or null when unreadable. */
export type ReadU32 = (address: number) => number | null;

type FrameSource =
  /** Frame 0: the registers themselves. */
  | 'registers'
  /** From the callee's CFI. */
  | 'cfi'
  /** From the callee's saved EBP and the return address above it. */
  | 'frame-pointer'
  /** The callee had just been called (pc outside every module): return address at ESP. */
  | 'stack'
  /** Interrupted by a signal: the registers saved in the signal frame. */
  | 'sigcontext';

export interface Frame {
  index: number;
  pc: number;
  /** ESP in this frame. */
  sp: number;
  /** The frame's canonical frame address (ESP before the call that made it), when its CFI gave it. */
  cfa: number | null;
  /** Where pc is (a return address is looked up at pc-1, so calls ending a function name that function). */
  location: Location;
  source: FrameSource;
  /** pc is a sigreturn trampoline: a signal handler returns here, and the caller is the code the signal interrupted. */
  signalTrampoline: boolean;
}

export type StopReason =
  /** The CFI says the return address is undefined (_start, a thread's start). */
  | 'outermost'
  /**
   * EBP is 0 where the frame-pointer chain was followed (code without CFI):
   * the end by convention, but code built without frame pointers may hold 0
   * in EBP anywhere, so callers may not be all there.
   */
  | 'frame-pointer-zero'
  /** A return address of 0. */
  | 'null-return'
  /** Memory needed to find the caller could not be read, or a register was unknown. */
  | 'unreadable'
  /** The caller's stack pointer is not above the callee's. */
  | 'no-progress'
  /** The return address is not inside any module. */
  | 'not-code'
  | 'depth-limit'
  /** The module's call frame information could not be parsed. */
  | 'bad-cfi'
  /** A signal frame whose saved registers could not be read. */
  | 'bad-sigcontext';

export interface UnwindOptions {
  /** Stop after this many frames (default 1 << 20: more than an 8 MiB stack can hold). */
  maxFrames?: number;
}

// DWARF register numbers on i386 (System V i386 psABI).
const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7, EIP = 8;
const CALLEE_SAVED = [EBX, EBP, ESI, EDI];
const RET = 0xc3;

type Regs = (number | null)[];

function toDwarf(r: Registers): Regs {
  const v = (x: number | undefined): number | null => (x === undefined ? null : x >>> 0);
  return [v(r.eax), v(r.ecx), v(r.edx), v(r.ebx), v(r.esp), v(r.ebp), v(r.esi), v(r.edi), v(r.eip)];
}

interface Step {
  caller: Regs;
  cfa: number | null;
  source: FrameSource;
  signalFrame: boolean;
}

class Walker {
  constructor(private readonly read: ReadU32, private readonly modules: ModuleMap) {}

  /** The caller of the frame with registers `regs`, or why there is none. */
  step(regs: Regs, lookupPc: number, first: boolean): Step | StopReason {
    const module = this.modules.moduleAt(lookupPc);
    let fde: Fde | null = null;
    if (module) {
      try {
        fde = module.data.frames.find((lookupPc - module.bias) >>> 0);
      } catch {
        return 'bad-cfi';
      }
    }
    if (module && fde) {
      let row: UnwindRow;
      try {
        row = module.data.frames.rowAt(fde, (lookupPc - module.bias) >>> 0);
      } catch {
        return 'bad-cfi';
      }
      return this.byCfi(regs, row, fde);
    }
    if (first && (!module || this.atEntryOrReturn(regs, lookupPc))) return this.justCalled(regs);
    return this.byFramePointer(regs);
  }

  /** Through a signal frame: the caller is the interrupted code, with every register saved. */
  throughSignal(regs: Regs, kind: Trampoline): Step | StopReason {
    const sp = regs[ESP];
    if (sp === null) return 'unreadable';
    const sc = sigcontextAddress(kind, sp, this.read);
    const saved = sc === null ? null : interruptedRegisters(sc, this.read);
    if (!saved) return 'bad-sigcontext';
    const caller: Regs = [saved.eax, saved.ecx, saved.edx, saved.ebx, saved.esp, saved.ebp, saved.esi, saved.edi, saved.eip];
    return { caller, cfa: null, source: 'sigcontext', signalFrame: true };
  }

  private machine(regs: Regs): ExpressionMachine {
    return { register: (n) => regs[n] ?? null, readU32: this.read };
  }

  private cfaOf(rule: CfaRule, regs: Regs): number | null {
    if (rule.kind === 'register') {
      const base = regs[rule.register];
      return base === null || base === undefined ? null : (base + rule.offset) >>> 0;
    }
    return evaluateExpression(rule.expression, this.machine(regs));
  }

  private recover(rule: RegisterRule | undefined, register: number, regs: Regs, cfa: number): number | null {
    if (!rule) return CALLEE_SAVED.includes(register) ? regs[register] : null;
    switch (rule.kind) {
      case 'undefined': return null;
      case 'same': return regs[register];
      case 'offset': return this.read((cfa + rule.offset) >>> 0);
      case 'valOffset': return (cfa + rule.offset) >>> 0;
      case 'register': return regs[rule.register] ?? null;
      case 'expression': {
        const at = evaluateExpression(rule.expression, this.machine(regs), [cfa]);
        return at === null ? null : this.read(at);
      }
      case 'valExpression': return evaluateExpression(rule.expression, this.machine(regs), [cfa]);
    }
  }

  private byCfi(regs: Regs, row: UnwindRow, fde: Fde): Step | StopReason {
    let cfa: number | null;
    try {
      cfa = this.cfaOf(row.cfa, regs);
    } catch {
      return 'bad-cfi';
    }
    if (cfa === null) return 'unreadable';
    const ra = fde.cie.returnColumn;
    if (row.rules.get(ra)?.kind === 'undefined') return 'outermost';
    const caller: Regs = [];
    try {
      for (let r = 0; r <= EIP; r++) caller[r] = this.recover(row.rules.get(r), r, regs, cfa);
      caller[EIP] = ra === EIP ? caller[EIP] : this.recover(row.rules.get(ra), ra, regs, cfa);
    } catch {
      return 'bad-cfi';
    }
    if (!row.rules.has(ESP)) caller[ESP] = cfa;
    if (caller[EIP] === null) return 'unreadable';
    return { caller, cfa, source: 'cfi', signalFrame: fde.cie.signalFrame };
  }

  /**
   * Frame 0 of a function without CFI stopped at its first instruction or at
   * a `ret`: the return address is on top of the stack whatever the function
   * does in between. This is how leaf helpers without CFI are stepped over
   * (glibc's start code defines __x86.get_pc_thunk.bx without any: a thread
   * caught in it must still show its callers).
   */
  private atEntryOrReturn(regs: Regs, pc: number): boolean {
    const symbol = this.modules.locate(pc);
    if (symbol.module && symbol.symbol && symbol.offset === 0) return true;
    const word = regs[EIP] === null ? null : this.read(pc);
    return word !== null && (word & 0xff) === RET;
  }

  /** Frame 0 outside every module (a call through a bad pointer): the return address is at ESP. */
  private justCalled(regs: Regs): Step | StopReason {
    const sp = regs[ESP];
    if (sp === null) return 'unreadable';
    const ret = this.read(sp);
    if (ret === null) return 'unreadable';
    const caller = [...regs];
    caller[EAX] = caller[ECX] = caller[EDX] = null;
    caller[ESP] = (sp + 4) >>> 0;
    caller[EIP] = ret;
    return { caller, cfa: (sp + 4) >>> 0, source: 'stack', signalFrame: false };
  }

  private byFramePointer(regs: Regs): Step | StopReason {
    const fp = regs[EBP];
    const sp = regs[ESP];
    if (fp === null || sp === null) return 'unreadable';
    if (fp === 0) return 'frame-pointer-zero';
    if (fp < sp) return 'no-progress';
    const savedFp = this.read(fp);
    const ret = this.read((fp + 4) >>> 0);
    if (savedFp === null || ret === null) return 'unreadable';
    const caller: Regs = [null, null, null, null, (fp + 8) >>> 0, savedFp, null, null, ret];
    return { caller, cfa: null, source: 'frame-pointer', signalFrame: false };
  }
}

/**
 * The frames of a stopped thread, innermost first. The generator's return
 * value says why the walk ended.
 */
export function* walkStack(registers: Registers, readU32: ReadU32, modules: ModuleMap, opts: UnwindOptions = {}): Generator<Frame, StopReason> {
  const maxFrames = opts.maxFrames ?? 1 << 20;
  const walker = new Walker(readU32, modules);
  let regs = toDwarf(registers);
  let source: FrameSource = 'registers';
  // the pc of frame 0, and of a frame interrupted by a signal, is the next instruction to run, not a return address
  let exactPc = true;
  for (let index = 0; ; index++) {
    if (index >= maxFrames) return 'depth-limit';
    const pc = regs[EIP]!;
    const sp = regs[ESP]!;
    // a trampoline is entered by the handler's return: its pc is where it starts, not after a call
    const trampoline = trampolineAt(pc, readU32);
    const lookupPc: number = exactPc || trampoline ? pc : (pc - 1) >>> 0;
    const step: Step | StopReason = trampoline ? walker.throughSignal(regs, trampoline) : walker.step(regs, lookupPc, index === 0);
    yield {
      index, pc, sp,
      cfa: typeof step === 'string' ? null : step.cfa,
      location: locate(modules, pc, lookupPc),
      source,
      signalTrampoline: trampoline !== null,
    };
    if (typeof step === 'string') return step;
    const next = step.caller;
    const ret = next[EIP];
    if (ret === 0) return 'null-return';
    // a handler may run on an alternate stack, anywhere relative to the interrupted one
    if (next[ESP] === null || (next[ESP]! <= sp && step.source !== 'sigcontext')) return 'no-progress';
    if (ret === null) return 'unreadable';
    // code outside every module ends the walk, except the sigreturn code the kernel may put on the stack
    if (!modules.moduleAt(step.signalFrame ? ret : (ret - 1) >>> 0) && !trampolineAt(ret, readU32)) {
      const frame: Frame = { index: index + 1, pc: ret, sp: next[ESP]!, cfa: null, location: locate(modules, ret, ret), source: step.source, signalTrampoline: false };
      yield frame;
      return 'not-code';
    }
    regs = next;
    source = step.source;
    exactPc = step.signalFrame;
  }
}

/** Location of `pc`, found through `lookupPc` (pc-1 for return addresses) but with the offset of pc. */
function locate(modules: ModuleMap, pc: number, lookupPc: number): Location {
  const loc = modules.locate(lookupPc);
  return lookupPc === pc ? loc : { ...loc, address: pc, offset: loc.offset + ((pc - lookupPc) >>> 0) };
}

/** All frames and the reason the walk stopped. */
export function unwind(registers: Registers, readU32: ReadU32, modules: ModuleMap, opts: UnwindOptions = {}): { frames: Frame[]; stop: StopReason } {
  const frames: Frame[] = [];
  const it = walkStack(registers, readU32, modules, opts);
  for (;;) {
    const r = it.next();
    if (r.done) return { frames, stop: r.value };
    frames.push(r.value);
  }
}
