// Exact x87 transcendental and stack instructions for Debian 12's Unicorn 2.0.1.
//
// Its helpers for F2XM1, FYL2X, FYL2XP1, FPTAN, FPATAN, FSIN, FCOS, FSINCOS,
// FPREM and FPREM1 (QEMU 5.0 code) convert the 80-bit operands to double,
// call the host's libm and convert back: results lose 11 bits or more, and
// F2XM1 of a tiny argument gives 0. glibc's i386 libm is built on these
// instructions (expm1, log1p, log2, log10, asin, acos, remainder, every long
// double function), so guest results differed from the same program run
// natively. Others are wrong at the edges: FSCALE (infinite or huge scales,
// NaN scales, flags), FXTRACT of denormals, FSQRT sets C2 for every negative
// input (-0 included), FRNDINT and FSQRT never report a denormal operand or
// round-up in C1, the constants (FLDPI, FLDL2E, FLDLG2, FLDLN2, FLDL2T) ignore
// the rounding mode, and FXAM calls an unnormal a normal number. The host is
// an x86-64 with a real x87, so each helper is replaced by a small thunk that
// runs the very same instruction on the host FPU:
//
//   keep the host's FCW and load the guest's with all exceptions masked
//   (x87-host.ts) ; fldt guest ST1 (if used) ; fldt guest ST0 ; <the instruction> ;
//   fnstsw → copy C0..C3 and the exception flags into the guest's FSW (plus
//   ES|B when an unmasked exception is raised, as QEMU's own helpers do) ;
//   store every value left on the host stack back as the guest's new top,
//   with tags, and mark popped registers empty ; the host's FCW back ; ret
//
// (FXAM only reads: its thunk frees the host register when the guest's is
// empty, so the host classifies it as empty too, and copies C0..C3 back.)
//
// The thunks depend on this build's CPUX86State layout (fpstt 0x23c, fpus
// 0x240, fpuc 0x242, fptags 0x244, fpregs 0x250 in 16-byte slots); the
// helpers' first bytes, which encode those offsets, are checked before
// anything is replaced. On any other build nothing is changed.
import { absoluteJump, hexAt, isAbsoluteJump, placeCode, unicornSymbol, writeCode } from './native-code.js';
import { HOST_FPU_ENTER, HOST_FPU_LEAVE, HOST_VALUES_PUSHED } from './x87-host.js';

/** pre: a frame, the host FPU entered with the guest's FCW (x87-host.ts); %rbx = env, %ecx = fpstt. */
const PRE_COMMON = [
  0x53, //                                  push %rbx
  0x48, 0x89, 0xfb, //                      mov %rdi,%rbx            (env)
  0x48, 0x83, 0xec, 0x70, //                sub $0x70,%rsp
  ...HOST_FPU_ENTER,
];
const LOAD_ST1 = [
  0x8d, 0x51, 0x01, //                      lea 0x1(%rcx),%edx
  0x83, 0xe2, 0x07, //                      and $0x7,%edx
  0xc1, 0xe2, 0x04, //                      shl $0x4,%edx
  0xdb, 0xac, 0x13, 0x50, 0x02, 0x00, 0x00, // fldt 0x250(%rbx,%rdx,1)
];
const LOAD_ST0 = [
  0x89, 0xca, //                            mov %ecx,%edx
  0xc1, 0xe2, 0x04, //                      shl $0x4,%edx
  0xdb, 0xac, 0x13, 0x50, 0x02, 0x00, 0x00, // fldt 0x250(%rbx,%rdx,1)
];
/** post: merge the status word, retag, store the results, restore the host FPU. */
const POST_STATUS = [
  0xdf, 0xe0, //                            fnstsw %ax
  0x0f, 0xb7, 0x93, 0x40, 0x02, 0x00, 0x00, // movzwl 0x240(%rbx),%edx (fpus)
  0x81, 0xe2, 0xff, 0xb8, 0x00, 0x00, //    and $0xb8ff,%edx         (clear C0..C3)
  0x89, 0xc6, //                            mov %eax,%esi
  0x81, 0xe6, 0x3f, 0x47, 0x00, 0x00, //    and $0x473f,%esi         (C0..C3, exception flags)
  0x09, 0xf2, //                            or %esi,%edx
  0x0f, 0xb7, 0xb3, 0x42, 0x02, 0x00, 0x00, // movzwl 0x242(%rbx),%esi
  0xf7, 0xd6, //                            not %esi
  0x21, 0xc6, //                            and %eax,%esi
  0xf7, 0xc6, 0x3f, 0x00, 0x00, 0x00, //    test $0x3f,%esi          (unmasked exception?)
  0x74, 0x06, //                            je +6
  0x81, 0xca, 0x80, 0x80, 0x00, 0x00, //    or $0x8080,%edx          (ES|B)
  0x66, 0x89, 0x93, 0x40, 0x02, 0x00, 0x00, // mov %dx,0x240(%rbx)
  ...HOST_VALUES_PUSHED, //                 %eax: host TOP, counted from 0 at entry
  0xc6, 0x84, 0x0b, 0x44, 0x02, 0x00, 0x00, 0x01, // movb $1,0x244(%rbx,%rcx,1) (ST0 slot empty)
];
const FREE_ST1 = [
  0x8d, 0x51, 0x01, //                      lea 0x1(%rcx),%edx
  0x83, 0xe2, 0x07, //                      and $0x7,%edx
  0xc6, 0x84, 0x13, 0x44, 0x02, 0x00, 0x00, 0x01, // movb $1,0x244(%rbx,%rdx,1)
];
/** new top = (old top + N + host TOP) & 7, then results are stored from there upwards. */
const newTop = (n: number) => [
  0x8d, 0x54, 0x01, n, //                   lea N(%rcx,%rax,1),%edx
  0x83, 0xe2, 0x07, //                      and $0x7,%edx
  0x89, 0x93, 0x3c, 0x02, 0x00, 0x00, //    mov %edx,0x23c(%rbx)
];
const STORE_RESULTS = [
  0x41, 0xb9, 0x08, 0x00, 0x00, 0x00, //    mov $0x8,%r9d
  0x41, 0x29, 0xc1, //                      sub %eax,%r9d
  0x41, 0x83, 0xe1, 0x07, //                and $0x7,%r9d            (results on the host stack)
  0x45, 0x85, 0xc9, //                      1: test %r9d,%r9d
  0x74, 0x21, //                            je 2f
  0x41, 0x89, 0xd2, //                      mov %edx,%r10d
  0x41, 0xc1, 0xe2, 0x04, //                shl $0x4,%r10d
  0x42, 0xdb, 0xbc, 0x13, 0x50, 0x02, 0x00, 0x00, // fstpt 0x250(%rbx,%r10,1)
  0xc6, 0x84, 0x13, 0x44, 0x02, 0x00, 0x00, 0x00, // movb $0,0x244(%rbx,%rdx,1)
  0xff, 0xc2, //                            inc %edx
  0x83, 0xe2, 0x07, //                      and $0x7,%edx
  0x41, 0xff, 0xc9, //                      dec %r9d
  0xeb, 0xda, //                            jmp 1b
  ...HOST_FPU_LEAVE, //                     2: fldcw (the host's)
  0x48, 0x83, 0xc4, 0x70, //                add $0x70,%rsp
  0x5b, //                                  pop %rbx
  0xc3, //                                  ret
];

interface Replacement {
  helper: string;
  /** The host instruction (D9 xx). */
  opcode: number[];
  /**
   * Guest registers it reads: 1 (ST0) or 2 (ST0, ST1); 0 for the constants,
   * whose helper writes ST0 after the translated code has pushed.
   */
  inputs: 0 | 1 | 2;
  /** The helper's first bytes in the recognised build. */
  expected: string;
}

const REPLACEMENTS: Replacement[] = [
  { helper: 'f2xm1', opcode: [0xd9, 0xf0], inputs: 1, expected: '415455538b873c0200004889fb4c8da3e802000048c1e004' },
  { helper: 'fyl2x', opcode: [0xd9, 0xf1], inputs: 2, expected: '415455534889fb488dabe80200004889ea4883ec108b873c' },
  { helper: 'fptan', opcode: [0xd9, 0xf2], inputs: 1, expected: '415455538b873c0200004889fb488dabe802000048c1e004' },
  { helper: 'fpatan', opcode: [0xd9, 0xf3], inputs: 2, expected: '415455538b873c0200004889fb4c8da3e802000083c0014c' },
  { helper: 'fprem1', opcode: [0xd9, 0xf5], inputs: 2, expected: '415455534889fb488dabe80200004889ea4883ec108b873c' },
  { helper: 'fprem', opcode: [0xd9, 0xf8], inputs: 2, expected: '415455534889fb488dabe80200004889ea4883ec108b873c' },
  { helper: 'fyl2xp1', opcode: [0xd9, 0xf9], inputs: 2, expected: '415455534889fb488dabe80200004889ea4883ec108b873c' },
  { helper: 'fsincos', opcode: [0xd9, 0xfb], inputs: 1, expected: '4155415455534889fb488dabe80200004889ea4883ec188b' },
  { helper: 'fsin', opcode: [0xd9, 0xfe], inputs: 1, expected: '415455538b873c0200004889fb488dabe802000048c1e004' },
  { helper: 'fcos', opcode: [0xd9, 0xff], inputs: 1, expected: '415455538b873c0200004889fb488dabe802000048c1e004' },
  { helper: 'fxtract', opcode: [0xd9, 0xf4], inputs: 1, expected: '4155488db7e8020000415455534889fb4883ec088b873c02' },
  { helper: 'fsqrt', opcode: [0xd9, 0xfa], inputs: 1, expected: '538b9f3c0200004889d848c1e0046683bc07580200000079' },
  { helper: 'frndint', opcode: [0xd9, 0xfc], inputs: 1, expected: '538b9f3c020000488d97e80200004883c32548c1e3044801' },
  { helper: 'fscale', opcode: [0xd9, 0xfd], inputs: 2, expected: '55534889fb4883ec088b8f3c0200008d410183e0074889c2' },
  { helper: 'fldl2t_ST0', opcode: [0xd9, 0xe9], inputs: 0, expected: '8b873c02000048c1e0044801c748b8fe8a1bcd4b789ad448' },
  { helper: 'fldl2e_ST0', opcode: [0xd9, 0xea], inputs: 0, expected: '8b873c02000048c1e0044801c748b8bcf0175c293baab848' },
  { helper: 'fldpi_ST0', opcode: [0xd9, 0xeb], inputs: 0, expected: '8b873c02000048c1e0044801c748b835c26821a2da0fc948' },
  { helper: 'fldlg2_ST0', opcode: [0xd9, 0xec], inputs: 0, expected: '8b873c02000048c1e0044801c748b899f7cffb849a209a48' },
  { helper: 'fldln2_ST0', opcode: [0xd9, 0xed], inputs: 0, expected: '8b873c02000048c1e0044801c748b8ac79cfd1f71772b148' },
];

/** FXAM: classify the guest's ST0 (empty if its tag says so) and copy C0..C3. */
const FXAM: Replacement = { helper: 'fxam_ST0', opcode: [0xd9, 0xe5], inputs: 1, expected: '8bb73c0200004889fa488d462548c1e0044801f80fb74808' };
const FXAM_BODY = [
  0x80, 0xbc, 0x0b, 0x44, 0x02, 0x00, 0x00, 0x00, // cmpb $0,0x244(%rbx,%rcx,1) (ST0's tag: 1 = empty)
  0x74, 0x02, //                            je +2
  0xdd, 0xc0, //                            ffree %st(0)
  0xd9, 0xe5, //                            fxam
  0xdf, 0xe0, //                            fnstsw %ax
  0x0f, 0xb7, 0x93, 0x40, 0x02, 0x00, 0x00, // movzwl 0x240(%rbx),%edx (fpus)
  0x81, 0xe2, 0xff, 0xb8, 0x00, 0x00, //    and $0xb8ff,%edx
  0x25, 0x00, 0x47, 0x00, 0x00, //          and $0x4700,%eax
  0x09, 0xc2, //                            or %eax,%edx
  0x66, 0x89, 0x93, 0x40, 0x02, 0x00, 0x00, // mov %dx,0x240(%rbx)
  0xdd, 0xc0, //                            ffree %st(0)
  0xd9, 0xf7, //                            fincstp                  (the host stack empty again)
  ...HOST_FPU_LEAVE,
  0x48, 0x83, 0xc4, 0x70, //                add $0x70,%rsp
  0x5b, //                                  pop %rbx
  0xc3, //                                  ret
];

/** Helpers whose bytes confirm where fpuc and fpus are. */
const LAYOUT_CHECKS: Array<[string, string]> = [
  ['fnstcw', '0fb78742020000c3'], // movzwl 0x242(%rdi),%eax; ret
  ['fclex', '6681a740020000007fc3'], // andw $0x7f00,0x240(%rdi); ret
];

function thunk(r: Replacement): number[] {
  if (r === FXAM) return [...PRE_COMMON, ...LOAD_ST0, ...FXAM_BODY];
  const two = r.inputs === 2;
  // a constant: the host pushes one value, stored back into the guest's ST0
  // (the slot POST_STATUS marks empty is the one STORE_RESULTS fills)
  return [
    ...PRE_COMMON, ...(two ? LOAD_ST1 : []), ...(r.inputs > 0 ? LOAD_ST0 : []), ...r.opcode,
    ...POST_STATUS, ...(two ? FREE_ST1 : []), ...newTop(Math.max(r.inputs, 1)), ...STORE_RESULTS,
  ];
}

/** Replace the helpers, once per process. Returns whether the x87 is now exact. */
export function replaceX87Helpers(notes: string[]): boolean {
  const unrecognised = () => {
    notes.push('unrecognised Unicorn build: x87 transcendentals stay approximate');
    return false;
  };
  for (const [name, bytes] of LAYOUT_CHECKS) {
    const at = unicornSymbol(`helper_${name}_x86_64`);
    if (at === null || hexAt(at, bytes.length / 2) !== bytes) return unrecognised();
  }
  const targets = [...REPLACEMENTS, FXAM].map((r) => ({ r, at: unicornSymbol(`helper_${r.helper}_x86_64`) }));
  const states = targets.map(({ r, at }) =>
    at === null ? 'unknown' : isAbsoluteJump(at) ? 'replaced' : hexAt(at, r.expected.length / 2) === r.expected ? 'original' : 'unknown');
  if (states.every((s) => s === 'replaced')) return true; // already done in this process
  if (!states.every((s) => s === 'original')) return unrecognised();

  const entries = placeCode(targets.map(({ r }) => thunk(r)));
  if (entries === null) {
    notes.push('cannot place code for the x87 helpers: x87 transcendentals stay approximate');
    return false;
  }
  for (let i = 0; i < targets.length; i++) {
    if (!writeCode(targets[i].at!, absoluteJump(entries[i]))) {
      // the helpers already replaced are exact on their own
      notes.push(`cannot write over helper_${targets[i].r.helper}: it stays approximate`);
      return false;
    }
  }
  return true;
}
