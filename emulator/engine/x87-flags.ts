// x87 exception flags for Debian 12's Unicorn 2.0.1.
//
// Its x87 helpers (QEMU 5.0 code) compute with softfloat, which records
// invalid/divide-by-zero/overflow/underflow/inexact in fp_status, but never
// copy those flags into the status word: FNSTSW, FNSTENV, FNSAVE and FXSAVE
// showed them clear, so fetestexcept() after 1.0/3.0 said "none" where a real
// CPU says FE_INEXACT. Its FDIV helpers also set ZE for any zero divisor,
// so 0/0 reported a division by zero instead of only an invalid operation.
//
// The correction, made where the guest can look:
//  - the helpers that expose the status word (fnstsw, fstenv, fsave, fxsave,
//    xsave, xsaveopt)
//    first move softfloat's flags into it (IE ZE OE UE PE, DE for a denormal
//    input; ES|B when one is unmasked, as QEMU's own fpu_set_exception does);
//  - the helpers that clear or replace it (fclex, fninit, fldenv, frstor,
//    fxrstor) first clear softfloat's flags too, so they cannot come back;
//    xrstor moves them instead (its mask may leave the x87 state as it is);
//  - a signal frame's status word and sigreturn's do the same (x87-status.ts);
//  - the early "divisor is zero: set ZE" branch of the four FDIV helpers is
//    skipped; softfloat then raises ZE only for a finite non-zero dividend.
//  - FWAIT, where QEMU raises #MF for a pending unmasked exception, moves
//    the flags first as well.
// Not corrected: like QEMU 5.0 itself, only FWAIT traps, not every waiting
// x87 instruction. (The SSE side, whose flags never reached MXCSR, is
// sse-host.ts.)
//
// Offsets (this build's CPUX86State): fpus 0x240, fpuc 0x242,
// fp_status.float_exception_flags 0x2ea. Every byte sequence touched is
// compared with this build's before anything is written.
import { absoluteJump, hexAt, isAbsoluteJump, placeCode, registerSafeJump, unicornSymbol, writeCode } from './native-code.js';

/** fpus |= softfloat flags mapped to the x87's; softfloat flags = 0. Uses eax, r8d-r10d. */
const MOVE_FLAGS = [
  0x0f, 0xb6, 0x87, 0xea, 0x02, 0x00, 0x00, //       movzbl 0x2ea(%rdi),%eax
  0xc6, 0x87, 0xea, 0x02, 0x00, 0x00, 0x00, //       movb $0,0x2ea(%rdi)
  0x41, 0x89, 0xc0, //                               mov %eax,%r8d
  0x41, 0x83, 0xe0, 0x3d, //                         and $0x3d,%r8d   (invalid, divbyzero, overflow, underflow, inexact)
  0xa8, 0x40, //                                     test $0x40,%al   (input denormal)
  0x74, 0x04, //                                     je +4
  0x41, 0x83, 0xc8, 0x02, //                         or $2,%r8d       (DE)
  0x44, 0x0f, 0xb7, 0x8f, 0x40, 0x02, 0x00, 0x00, // movzwl 0x240(%rdi),%r9d
  0x45, 0x09, 0xc1, //                               or %r8d,%r9d
  0x44, 0x0f, 0xb7, 0x97, 0x42, 0x02, 0x00, 0x00, // movzwl 0x242(%rdi),%r10d
  0x41, 0xf7, 0xd2, //                               not %r10d
  0x45, 0x21, 0xca, //                               and %r9d,%r10d
  0x41, 0xf7, 0xc2, 0x3f, 0x00, 0x00, 0x00, //       test $0x3f,%r10d (unmasked?)
  0x74, 0x07, //                                     je +7
  0x41, 0x81, 0xc9, 0x80, 0x80, 0x00, 0x00, //       or $0x8080,%r9d  (ES|B)
  0x66, 0x44, 0x89, 0x8f, 0x40, 0x02, 0x00, 0x00, // mov %r9w,0x240(%rdi)
];
/** softfloat flags = 0 */
const CLEAR_FLAGS = [0xc6, 0x87, 0xea, 0x02, 0x00, 0x00, 0x00]; // movb $0,0x2ea(%rdi)
const GET_RETURN_ADDRESS = [0x48, 0x8b, 0x0c, 0x24]; // mov (%rsp),%rcx

type Kind = 'read' | 'clear';

interface Wrapped {
  helper: string;
  kind: Kind;
  /** This build's first bytes. */
  expected: string;
  /**
   * How the original goes on after our code: 'whole' copies the complete
   * (position-independent) helper; a number copies that many bytes of whole
   * instructions and jumps back after them; 'tail' copies `mov (%rsp),%rcx`
   * and jumps where the helper's `jmp rel32` went; 'fwait' is its own case.
   */
  resume: 'whole' | 'tail' | 'fwait' | number;
}

const WRAPPED: Wrapped[] = [
  // clearing ones first, so a partial failure never leaves readers without them
  { helper: 'fclex', kind: 'clear', expected: '6681a740020000007fc3', resume: 'whole' },
  { helper: 'fninit', kind: 'clear', expected: '48b80000000000007f0353660fefc048', resume: 15 },
  { helper: 'fldenv', kind: 'clear', expected: '488b0c24e977eaffff', resume: 'tail' },
  { helper: 'frstor', kind: 'clear', expected: '415641554189d541544989f4554889fd', resume: 12 },
  { helper: 'fxrstor', kind: 'clear', expected: '415455534889fb4c8b64241840f6c60f', resume: 12 },
  { helper: 'fnstsw', kind: 'read', expected: '8b873c0200000fb79740020000c1e00b80e6c7250038000009d0c3', resume: 'whole' },
  { helper: 'fstenv', kind: 'read', expected: '488b0c24e9e7d0ffff', resume: 'tail' },
  { helper: 'fsave', kind: 'read', expected: '415641554189d541544989f455bd0e00', resume: 12 },
  { helper: 'fxsave', kind: 'read', expected: '415455534889fb4c8b64241840f6c60f', resume: 12 },
  { helper: 'fwait', kind: 'read', expected: 'f68740020000807507c3', resume: 'fwait' },
  { helper: 'xsave', kind: 'read', expected: '8b87b00000004c8b0c2449c7c0ffffffff', resume: 17 },
  { helper: 'xsaveopt', kind: 'read', expected: '8b87b00000004c8b0c24250000000483f801', resume: 18 },
  { helper: 'xrstor', kind: 'read', expected: '41574989ff41564155415455', resume: 12 },
];
/** helper_fwait's slow path (raise #MF), after its `testb $0x80,fpus; jne; ret`. */
const FWAIT_RAISE_OFFSET = 0x10;

/** The `je` to the "zero divisor: set ZE" block, with the 8 bytes before it (the cmpq of the divisor). */
const ZERO_DIVISOR_BRANCHES: Array<{ helper: string; offset: number; expected: string }> = [
  { helper: 'fdiv_ST0_FT0', offset: 0x47, expected: '4883bbf0020000007437' },
  { helper: 'fdivr_ST0_FT0', offset: 0x49, expected: '4883bb50020000007425' },
  { helper: 'fdiv_STN_ST0', offset: 0x5d, expected: '4883b850020000007431' },
  { helper: 'fdivr_STN_ST0', offset: 0x55, expected: '4883bb50020000007421' },
];
const NOP2 = [0x66, 0x90];

function bytesOf(hex: string): number[] {
  return [...Buffer.from(hex, 'hex')];
}

function wrapper(w: Wrapped, at: number): (self: number) => number[] {
  const first = w.kind === 'read' ? MOVE_FLAGS : CLEAR_FLAGS;
  const original = bytesOf(w.expected);
  if (w.resume === 'whole') return () => [...first, ...original];
  if (w.resume === 'fwait') {
    // testb $0x80,0x240(%rdi) (ES); jz +12; <jump to the raising path>; ret
    const test = original.slice(0, 7);
    return () => [...first, ...test, 0x74, 0x0c, ...absoluteJump(at + FWAIT_RAISE_OFFSET), 0xc3];
  }
  if (w.resume === 'tail') {
    const rel = Buffer.from(original.slice(5, 9)).readInt32LE(0);
    return () => [...first, ...GET_RETURN_ADDRESS, ...absoluteJump(at + 9 + rel)];
  }
  // the copied instructions may have loaded a register the rest uses (fninit's
  // movabs into %rax): the jump back must not clobber any
  const n = w.resume;
  return () => [...first, ...original.slice(0, n), ...registerSafeJump(at + n)];
}

/** Apply the correction once per process; returns whether x87 flags are now reported. */
export function correctX87Flags(notes: string[]): boolean {
  const unrecognised = () => {
    notes.push('unrecognised Unicorn build: x87 exception flags stay unreported');
    return false;
  };
  const wrapped = WRAPPED.map((w) => ({ w, at: unicornSymbol(`helper_${w.helper}_x86_64`) }));
  const branches = ZERO_DIVISOR_BRANCHES.map((b) => {
    const fn = unicornSymbol(`helper_${b.helper}_x86_64`);
    return { b, at: fn === null ? null : fn + b.offset };
  });
  if (wrapped.some(({ at }) => at === null) || branches.some(({ at }) => at === null)) return unrecognised();
  const patchedBranch = (b: (typeof branches)[number]) => hexAt(b.at! - 8, 10) === b.b.expected.slice(0, 16) + '6690';
  if (wrapped.every(({ at }) => isAbsoluteJump(at!)) && branches.every(patchedBranch)) return true; // done already
  if (!wrapped.every(({ w, at }) => hexAt(at!, w.expected.length / 2) === w.expected)) return unrecognised();
  if (!branches.every(({ b, at }) => hexAt(at! - 8, 10) === b.expected)) return unrecognised();

  const entries = placeCode(wrapped.map(({ w, at }) => wrapper(w, at!)));
  if (entries === null) {
    notes.push('cannot place code for the x87 flag correction: flags stay unreported');
    return false;
  }
  for (let i = 0; i < wrapped.length; i++) {
    if (!writeCode(wrapped[i].at!, absoluteJump(entries[i]))) {
      notes.push(`cannot write over helper_${wrapped[i].w.helper}: x87 flags are partly unreported`);
      return false;
    }
  }
  for (const { at } of branches) {
    if (!writeCode(at!, NOP2)) {
      notes.push('cannot patch the FDIV zero-divisor branch: 0/0 also reports ZE');
      return false;
    }
  }
  return true;
}
