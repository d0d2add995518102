// Unwinding through a Linux i386 signal frame. A handler returns into a
// sigreturn trampoline (glibc's __restore / __restore_rt, or the retcode the
// kernel writes into the frame); glibc gives them no CFI on i386, so, like
// gdb, they are recognised by their code, and the interrupted registers are
// read from the sigcontext the kernel saved (arch/x86/include/asm/sigframe.h).
import type { ReadU32 } from './unwind.js';

export type Trampoline =
  /** popl %eax; movl $__NR_sigreturn, %eax; int $0x80 — at the pop (ESP at sigframe.sig). */
  | 'sigreturn'
  /** The same, one instruction on (the pop done: ESP at sigframe.sc). */
  | 'sigreturn-popped'
  /** movl $__NR_rt_sigreturn, %eax; int $0x80 (ESP at rt_sigframe.sig). */
  | 'rt_sigreturn';

const NR_SIGRETURN = 119;
const NR_RT_SIGRETURN = 173;

/** The bytes as little-endian words: 58 b8 77 00 | 00 00 cd 80. */
const SIGRETURN = [0x0000b858 | (NR_SIGRETURN << 16), 0x80cd0000];
/** b8 ad 00 00 | 00 cd 80, matched on 3 bytes of the second word. */
const RT_SIGRETURN = [0x000000b8 | (NR_RT_SIGRETURN << 8), 0x0080cd00];

/** Which trampoline, if any, starts at `pc` (or, for sigreturn, one byte before). */
export function trampolineAt(pc: number, read: ReadU32): Trampoline | null {
  const w0 = read(pc);
  const w1 = read((pc + 4) >>> 0);
  if (w0 === null || w1 === null) return null;
  if (w0 === SIGRETURN[0] >>> 0 && w1 === SIGRETURN[1] >>> 0) return 'sigreturn';
  if (w0 === RT_SIGRETURN[0] && (w1 & 0x00ffffff) === RT_SIGRETURN[1]) return 'rt_sigreturn';
  const before = read((pc - 1) >>> 0);
  const next = read((pc + 3) >>> 0);
  if (before === SIGRETURN[0] >>> 0 && next === SIGRETURN[1] >>> 0) return 'sigreturn-popped';
  return null;
}

/** Offsets in struct sigcontext_32 of the registers unwinding restores. */
const SC = { edi: 16, esi: 20, ebp: 24, esp: 28, ebx: 32, edx: 36, ecx: 40, eax: 44, eip: 56 } as const;
/** rt_sigframe.puc, from the frame's sig field. */
const RT_PUC_FROM_SIG = 8;
/** ucontext.uc_mcontext */
const UC_MCONTEXT = 20;

/** Address of the saved sigcontext, given ESP in the trampoline. */
export function sigcontextAddress(kind: Trampoline, sp: number, read: ReadU32): number | null {
  switch (kind) {
    case 'sigreturn': return (sp + 4) >>> 0;
    case 'sigreturn-popped': return sp;
    case 'rt_sigreturn': {
      const uc = read((sp + RT_PUC_FROM_SIG) >>> 0);
      return uc === null ? null : (uc + UC_MCONTEXT) >>> 0;
    }
  }
}

export interface InterruptedRegisters {
  eax: number; ecx: number; edx: number; ebx: number; esp: number; ebp: number; esi: number; edi: number; eip: number;
}

/** The registers the signal interrupted, or null if the sigcontext cannot be read. */
export function interruptedRegisters(sc: number, read: ReadU32): InterruptedRegisters | null {
  const out: Partial<InterruptedRegisters> = {};
  for (const [name, offset] of Object.entries(SC) as [keyof InterruptedRegisters, number][]) {
    const v = read((sc + offset) >>> 0);
    if (v === null) return null;
    out[name] = v;
  }
  return out as InterruptedRegisters;
}
