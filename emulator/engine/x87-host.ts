// Entering and leaving the host's x87 from a thunk that replaces one of
// Unicorn's x87 helpers (x87-helpers.ts, x87-stores.ts).
//
// The helpers are called from translated code, itself called from C, where
// the x86-64 ABI keeps the x87 register stack empty and the control word the
// caller's. So the thunk does not save the whole FPU (FNSAVE/FRSTOR, ~370 ns
// a pair on these machines, FNINIT alone ~90 ns): it keeps the host's control
// word, loads the guest's with every exception masked, and leaves the stack
// empty as it found it. The status word is the caller's to clobber, and its
// exception flags are sticky like the guest's: the flags read after the
// instruction are merged (ORed) into the guest's, so host flags the guest
// already has (in its status word or still in softfloat's) may stay; only
// when the host has one the guest lacks does FNCLEX (~40 ns) clear them
// first. C0..C3 start at 0 (as after FNINIT, which costs more than an FTST
// of 1): an instruction that leaves them undefined reports 0 as before. TOP on entry is kept in %r11d, as the stack may start
// at any TOP.
//
// Frame: the thunk has done `push %rbx; mov %rdi,%rbx` (env) and reserved at
// least 0x70 bytes; 0x68(%rsp) holds the host's control word, 0x6c(%rsp) the
// guest's. Offsets of this build's CPUX86State: fpstt 0x23c, fpus 0x240,
// fpuc 0x242, softfloat's x87 exception flags 0x2ea.

/** Host control word saved, flags the guest lacks and C0..C3 cleared, TOP in %r11d, guest FCW (masked) loaded, %ecx = guest fpstt. */
export const HOST_FPU_ENTER = [
  0xd9, 0x7c, 0x24, 0x68, //                fnstcw 0x68(%rsp)
  0xdf, 0xe0, //                            fnstsw %ax
  0x41, 0x89, 0xc3, //                      mov %eax,%r11d           (TOP on entry)
  0x0f, 0xb7, 0x93, 0x40, 0x02, 0x00, 0x00, // movzwl 0x240(%rbx),%edx (fpus)
  0x44, 0x0f, 0xb6, 0x83, 0xea, 0x02, 0x00, 0x00, // movzbl 0x2ea(%rbx),%r8d (softfloat's pending flags)
  0x44, 0x09, 0xc2, //                      or %r8d,%edx
  0xf7, 0xd2, //                            not %edx
  0x21, 0xd0, //                            and %edx,%eax            (host flags the guest lacks)
  0xa8, 0x3f, //                            test $0x3f,%al
  0x74, 0x02, //                            je +2
  0xdb, 0xe2, //                            fnclex
  0xd9, 0xe8, //                            fld1
  0xd9, 0xe4, //                            ftst                     (C0..C3 = 0)
  0xdd, 0xd8, //                            fstp %st(0)
  0x0f, 0xb7, 0x83, 0x42, 0x02, 0x00, 0x00, // movzwl 0x242(%rbx),%eax (fpuc)
  0x83, 0xc8, 0x3f, //                      or $0x3f,%eax
  0x66, 0x89, 0x44, 0x24, 0x6c, //          mov %ax,0x6c(%rsp)
  0xd9, 0x6c, 0x24, 0x6c, //                fldcw 0x6c(%rsp)
  0x8b, 0x8b, 0x3c, 0x02, 0x00, 0x00, //    mov 0x23c(%rbx),%ecx     (fpstt)
];

/** The host's control word back (its stack is empty again by then). */
export const HOST_FPU_LEAVE = [0xd9, 0x6c, 0x24, 0x68]; // fldcw 0x68(%rsp)

/**
 * With the host status word in %eax after the instruction: %eax = the host's
 * TOP as if the stack had started at TOP 0, i.e. 8 - the values it holds (mod 8).
 */
export const HOST_VALUES_PUSHED = [
  0xc1, 0xe8, 0x0b, //                      shr $0xb,%eax
  0x41, 0xc1, 0xeb, 0x0b, //                shr $0xb,%r11d
  0x44, 0x29, 0xd8, //                      sub %r11d,%eax
  0x83, 0xe0, 0x07, //                      and $0x7,%eax
];
