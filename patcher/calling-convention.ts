// How a function takes its arguments, read from its machine code. On i386,
// gcc -O1 and up gives a static function whose address is never taken its
// own convention: arguments in eax, edx, ecx (regparm(3)) instead of on the
// stack. A patch's version of that function may be compiled the other way
// (marked used, address-taken, or exported), and the program's old callers,
// reaching it through the jump at the old entry, would pass wrong arguments.
//
// The evidence is what the code reads: an argument register read before
// anything wrote it, or a stack word above the return address. Every path
// from the entry is followed (branches inside the function; a call clobbers
// eax, ecx and edx) until it returns or leaves. Code that reads neither (no
// arguments, or arguments passed straight on) is 'unknown', never a mismatch.
import { Capstone, Const } from 'capstone-wasm';

export type Convention = 'registers' | 'stack' | 'unknown';

const ARG_REGS = ['eax', 'edx', 'ecx'] as const;
type ArgReg = (typeof ARG_REGS)[number];

const FULL: Record<string, ArgReg> = {
  eax: 'eax', ax: 'eax', al: 'eax', ah: 'eax',
  edx: 'edx', dx: 'edx', dl: 'edx', dh: 'edx',
  ecx: 'ecx', cx: 'ecx', cl: 'ecx', ch: 'ecx',
};

/** Instructions whose first operand is written without being read. */
const WRITE_ONLY = /^(mov|movzx|movsx|lea|pop|set[a-z]+|movd|movss|movsd|movaps|movups|movdqa|movdqu|cvt[a-z0-9]+|pmovmskb|movmskps|movmskpd|bsf|bsr|tzcnt|lzcnt|popcnt|pextr[bwdq])$/;
/** Instructions that only read their operands. */
const READ_ONLY = /^(cmp|test|push|bt|ucomiss|ucomisd|comiss|comisd)$/;
const MAX_INSNS = 4000;

interface State {
  defined: Set<ArgReg>;
  /** Bytes pushed since the entry (esp = entry esp - delta), or null once unknown. */
  delta: number | null;
  /** delta at which `mov ebp, esp` ran, or null. */
  frame: number | null;
}

interface Evidence {
  registers: Set<ArgReg>;
  stack: boolean;
}

const memoryOperand = /\[([^\]]*)\]/;

function registersIn(text: string): ArgReg[] {
  const out: ArgReg[] = [];
  for (const word of text.match(/[a-z]+/g) ?? []) if (FULL[word]) out.push(FULL[word]);
  return out;
}

/** Does the memory operand address a word the caller pushed (above the return address)? */
function readsCallerStack(inner: string, s: State): boolean {
  const m = /^(esp|ebp)\s*(?:([+-])\s*(0x[0-9a-f]+|\d+))?$/.exec(inner.trim());
  if (!m) return false;
  const disp = m[3] === undefined ? 0 : (m[2] === '-' ? -1 : 1) * Number(m[3]);
  if (m[1] === 'esp') return s.delta !== null && disp - s.delta >= 4;
  return s.frame !== null && disp - s.frame >= 4;
}

function immediate(text: string | undefined): number | null {
  if (text === undefined || !/^-?(0x[0-9a-f]+|\d+)$/.test(text)) return null;
  return text.startsWith('-') ? -Number(text.slice(1)) : Number(text);
}

/** Reads and writes of one instruction, applied to the state. */
function step(mnemonic: string, opStr: string, s: State, ev: Evidence): void {
  const ops = opStr === '' ? [] : opStr.split(', ');
  const read = (reg: ArgReg, weak = false): void => {
    if (!s.defined.has(reg) && !weak) ev.registers.add(reg);
  };
  const define = (reg: ArgReg): void => void s.defined.add(reg);
  // memory operands: their address registers are read; a caller's stack word is an argument
  for (const op of ops) {
    const mem = memoryOperand.exec(op);
    if (!mem) continue;
    for (const r of registersIn(mem[1])) read(r);
    if (mnemonic !== 'lea' && readsCallerStack(mem[1], s)) ev.stack = true;
  }
  const regOf = (op: string | undefined): ArgReg | null => (op !== undefined && !memoryOperand.test(op) && FULL[op.trim()]) || null;
  const full = (op: string | undefined): boolean => op !== undefined && ['eax', 'edx', 'ecx'].includes(op.trim());
  const dest = regOf(ops[0]);
  const sources = ops.slice(1).map(regOf).filter((r): r is ArgReg => r !== null);

  if (/^(xor|sub|sbb|pxor)$/.test(mnemonic) && ops.length === 2 && ops[0] === ops[1]) {
    if (dest && full(ops[0])) define(dest);
  } else if (mnemonic === 'or' && dest && (immediate(ops[1]) === -1 || immediate(ops[1]) === 0xffffffff)) {
    if (full(ops[0])) define(dest);
  } else if (mnemonic === 'cdq') {
    read('eax');
    define('edx');
  } else if (mnemonic === 'cwde') {
    read('eax');
    define('eax');
  } else if (/^(mul|div|idiv)$/.test(mnemonic) || (mnemonic === 'imul' && ops.length === 1)) {
    read('eax');
    if (/div/.test(mnemonic)) read('edx');
    if (dest) read(dest);
    define('eax');
    define('edx');
  } else if (mnemonic.startsWith('rep')) {
    read('ecx');
    for (const r of sources) read(r);
    if (dest) read(dest);
    define('ecx');
  } else if (mnemonic === 'push') {
    // gcc also pushes a scratch register just to make room on the stack
    if (dest) read(dest, true);
  } else if (mnemonic === 'imul' && ops.length === 3) {
    for (const r of sources) read(r);
    if (dest && full(ops[0])) define(dest);
  } else if (WRITE_ONLY.test(mnemonic)) {
    for (const r of sources) read(r);
    if (dest && full(ops[0])) define(dest);
  } else if (READ_ONLY.test(mnemonic)) {
    if (dest) read(dest);
    for (const r of sources) read(r);
  } else {
    if (dest) read(dest);
    for (const r of sources) read(r);
  }
  trackStack(mnemonic, ops, s);
}

function trackStack(mnemonic: string, ops: string[], s: State): void {
  const adjust = (n: number): void => {
    if (s.delta !== null) s.delta += n;
  };
  if (mnemonic === 'push') adjust(4);
  else if (mnemonic === 'pop') {
    adjust(-4);
    if (ops[0] === 'ebp') s.frame = null;
  } else if (ops[0] === 'esp' && (mnemonic === 'sub' || mnemonic === 'add')) {
    const n = immediate(ops[1]);
    if (n === null) s.delta = null;
    else adjust(mnemonic === 'sub' ? n : -n);
  } else if (mnemonic === 'mov' && ops[0] === 'ebp' && ops[1] === 'esp') s.frame = s.delta;
  else if (mnemonic === 'leave') {
    s.delta = s.frame === null ? null : s.frame - 4;
    s.frame = null;
  } else if (ops[0] === 'esp') s.delta = null;
  else if (ops[0] === 'ebp') s.frame = null;
}

function branchTarget(opStr: string): number | null {
  return /^0x[0-9a-f]+$/.test(opStr) ? Number(opStr) : null;
}

/** Reads guest code (for the target of a call), or null when it is not there. */
export type CodeReader = (address: number, length: number) => Uint8Array | null;

/** `mov REG, [esp]; ret`: gcc's __x86.get_pc_thunk.REG, which writes only REG. */
function pcThunkRegister(read: CodeReader, target: number): ArgReg | null | undefined {
  const b = read(target, 4);
  if (!b || b.length < 4 || b[0] !== 0x8b || b[2] !== 0x24 || b[3] !== 0xc3) return undefined;
  const reg = (b[1] >> 3) & 7;
  if ((b[1] & 0xc7) !== 0x04) return undefined;
  return reg === 0 ? 'eax' : reg === 1 ? 'ecx' : reg === 2 ? 'edx' : null;
}

/**
 * What the code of [address, address + code.length) reads as arguments;
 * `read` gives the bytes of call targets (to recognise gcc's PC thunks).
 */
export function argumentConvention(code: Uint8Array, address: number, read: CodeReader): Convention {
  if (code.length === 0) return 'unknown';
  let cs: Capstone;
  try {
    cs = new Capstone(Const.CS_ARCH_X86, Const.CS_MODE_32);
  } catch {
    return 'unknown';
  }
  try {
    cs.setOption(Const.CS_OPT_SYNTAX, Const.CS_OPT_SYNTAX_INTEL);
    const insns = new Map<number, { mnemonic: string; opStr: string; next: number }>();
    for (const i of cs.disasm(code, { address })) {
      insns.set(Number(i.address), { mnemonic: i.mnemonic, opStr: i.opStr, next: Number(i.address) + i.size });
    }
    const ev: Evidence = { registers: new Set(), stack: false };
    const seen = new Set<number>();
    const work: { pc: number; state: State }[] = [{ pc: address, state: { defined: new Set(), delta: 0, frame: null } }];
    let budget = MAX_INSNS;
    while (work.length > 0 && budget > 0) {
      let { pc, state } = work.pop()!;
      while (budget-- > 0) {
        const insn = insns.get(pc);
        if (!insn || seen.has(pc)) break;
        seen.add(pc);
        const { mnemonic, opStr } = insn;
        if (mnemonic.startsWith('nop') || mnemonic === 'endbr32') {
          pc = insn.next;
          continue;
        }
        if (mnemonic.startsWith('ret') || mnemonic === 'hlt' || mnemonic === 'ud2') break;
        if (mnemonic === 'call') {
          const to = branchTarget(opStr);
          const thunk = to === null ? undefined : pcThunkRegister(read, to);
          // a thunk writes one register; any other call clobbers them all (an
          // argument register passed straight on is not evidence either way)
          if (thunk !== undefined) {
            if (thunk !== null) state.defined.add(thunk);
          } else for (const r of ARG_REGS) state.defined.add(r);
          pc = insn.next;
          continue;
        }
        if (mnemonic === 'jmp') {
          const to = branchTarget(opStr);
          if (to === null || !insns.has(to)) break;
          pc = to;
          continue;
        }
        if (mnemonic.startsWith('j') || mnemonic.startsWith('loop')) {
          if (mnemonic.startsWith('loop') || mnemonic === 'jecxz') step('cmp', 'ecx', state, ev);
          const to = branchTarget(opStr);
          if (to !== null && insns.has(to)) work.push({ pc: to, state: { defined: new Set(state.defined), delta: state.delta, frame: state.frame } });
          pc = insn.next;
          continue;
        }
        step(mnemonic, opStr, state, ev);
        pc = insn.next;
      }
    }
    if (ev.registers.size > 0) return 'registers';
    return ev.stack ? 'stack' : 'unknown';
  } catch {
    return 'unknown';
  } finally {
    cs.close();
  }
}
