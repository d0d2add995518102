// SSE floating point computed by the host's own SSE unit, for Debian 12's
// Unicorn 2.0.1.
//
// Its SSE helpers (QEMU 5.0) compute with softfloat and keep the exception
// flags in a softfloat status that nothing copies into MXCSR: STMXCSR,
// FXSAVE and fetestexcept() saw no flags after an inexact or invalid
// operation, and an unmasked exception never raised #XM (SIGFPE). Some
// results also differed from a real CPU: DPPS summed its products in another
// order, ROUNDSS ignored the precision-suppression bit, RCPPS/RSQRTPS gave
// exact quotients instead of the hardware's approximations.
//
// The host is an x86-64: each helper is replaced by a thunk that runs the
// very same instruction on the host's SSE unit:
//   save the host's MXCSR; load the guest's control bits (rounding, DAZ,
//   FTZ) with every exception masked and the flags clear; load the operands;
//   run the instruction; read the flags it raised; restore the host's MXCSR;
//   if a raised exception is unmasked in the guest's MXCSR, set the flags
//   and raise #XM at the guest instruction without writing the destination
//   (only the pre-computation flags IE/DE/ZE when one of those is the
//   cause, as the hardware reports them); otherwise store the result and
//   OR the flags into the guest's MXCSR.
// LDMXCSR also gets the #GP a reserved bit causes. The SSE4.2 string
// compares (pcmpestri/m, pcmpistri/m) run on the host as well: QEMU's
// "equal ordered" mode missed a match that starts in the last elements of
// a haystack shorter than the register.
//
// The thunks depend on this build's CPUX86State layout (mxcsr 0x310,
// cc_src 0x98, the SSE softfloat status at 0x308) and on the helpers'
// arguments (env, destination, source[, immediate]); helpers whose code
// shows that layout are compared byte for byte before anything is replaced.
import { hexAt, isAbsoluteJump, absoluteJump, placeCode, registerSafeJump, unicornSymbol, writeCode } from './native-code.js';

const MXCSR = 0x310;
const CC_SRC = 0x98;
/** env->regs[] (8 bytes each): EAX 0, ECX 1, EDX 2; env->xmm_regs[0]. */
const REG_EAX = 0x00;
const REG_ECX = 0x08;
const REG_EDX = 0x10;
const XMM0 = 0x318;
const EXCP_XMM = 19;
const EXCP_GPF = 13;

const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const u64 = (v: number): number[] => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return [...b];
};

/** How a helper takes its operands and gives its result. */
type Kind =
  /** (env, d, s): d = d op s, 16 bytes. */
  | 'xmm'
  /** (env, d, s): compare lane 0, result in CC_SRC (EFLAGS ZF PF CF). */
  | 'comis'
  /** (env, d, int32 val): d = convert(val), lane 0. */
  | 'from-int'
  /** (env, s): returns convert(s lane 0) in eax. */
  | 'to-int'
  /** (env, ZMMReg *d, MMXReg *s): two integers of an MMX register converted into d's low lanes. */
  | 'from-mmx'
  /** (env, MMXReg *d, ZMMReg *s): two lanes converted into an MMX register (packed-single source: low 64 bits only). */
  | 'to-mmx-ps'
  | 'to-mmx-pd'
  /** (env, d, s, imm): one instruction per immediate value (256 of them). */
  | 'xmm-imm'
  /** (env, d, s, mode): ROUNDxx, rounding from the immediate or MXCSR. */
  | 'round';

interface Helper {
  name: string;
  kind: Kind;
  /** The host instruction with xmm0 = destination, xmm1 = source (and its ModRM); for xmm-imm without the immediate. */
  insn: number[];
}

const P = { ps: [], pd: [0x66], ss: [0xf3], sd: [0xf2] } as const;
type Form = keyof typeof P;
const FORMS: Form[] = ['ps', 'pd', 'ss', 'sd'];

function helpers(): Helper[] {
  const list: Helper[] = [];
  const arith: Array<[string, number]> = [['add', 0x58], ['mul', 0x59], ['sub', 0x5c], ['min', 0x5d], ['div', 0x5e], ['max', 0x5f], ['sqrt', 0x51]];
  for (const [op, code] of arith) for (const f of FORMS) list.push({ name: `${op}${f}`, kind: 'xmm', insn: [...P[f], 0x0f, code, 0xc1] });
  const predicates = ['cmpeq', 'cmplt', 'cmple', 'cmpunord', 'cmpneq', 'cmpnlt', 'cmpnle', 'cmpord'];
  predicates.forEach((p, imm) => {
    for (const f of FORMS) list.push({ name: `${p}${f}`, kind: 'xmm', insn: [...P[f], 0x0f, 0xc2, 0xc1, imm] });
  });
  list.push(
    { name: 'comiss', kind: 'comis', insn: [0x0f, 0x2f, 0xc1] },
    { name: 'ucomiss', kind: 'comis', insn: [0x0f, 0x2e, 0xc1] },
    { name: 'comisd', kind: 'comis', insn: [0x66, 0x0f, 0x2f, 0xc1] },
    { name: 'ucomisd', kind: 'comis', insn: [0x66, 0x0f, 0x2e, 0xc1] },
    { name: 'cvtps2pd', kind: 'xmm', insn: [0x0f, 0x5a, 0xc1] },
    { name: 'cvtpd2ps', kind: 'xmm', insn: [0x66, 0x0f, 0x5a, 0xc1] },
    { name: 'cvtss2sd', kind: 'xmm', insn: [0xf3, 0x0f, 0x5a, 0xc1] },
    { name: 'cvtsd2ss', kind: 'xmm', insn: [0xf2, 0x0f, 0x5a, 0xc1] },
    { name: 'cvtdq2ps', kind: 'xmm', insn: [0x0f, 0x5b, 0xc1] },
    { name: 'cvtps2dq', kind: 'xmm', insn: [0x66, 0x0f, 0x5b, 0xc1] },
    { name: 'cvttps2dq', kind: 'xmm', insn: [0xf3, 0x0f, 0x5b, 0xc1] },
    { name: 'cvtdq2pd', kind: 'xmm', insn: [0xf3, 0x0f, 0xe6, 0xc1] },
    { name: 'cvtpd2dq', kind: 'xmm', insn: [0xf2, 0x0f, 0xe6, 0xc1] },
    { name: 'cvttpd2dq', kind: 'xmm', insn: [0x66, 0x0f, 0xe6, 0xc1] },
    { name: 'cvtsi2ss', kind: 'from-int', insn: [0xf3, 0x0f, 0x2a, 0xc2] }, // cvtsi2ss %edx,%xmm0
    { name: 'cvtsi2sd', kind: 'from-int', insn: [0xf2, 0x0f, 0x2a, 0xc2] },
    { name: 'cvtss2si', kind: 'to-int', insn: [0xf3, 0x0f, 0x2d, 0x06] }, // cvtss2si (%rsi),%eax
    { name: 'cvttss2si', kind: 'to-int', insn: [0xf3, 0x0f, 0x2c, 0x06] },
    { name: 'cvtsd2si', kind: 'to-int', insn: [0xf2, 0x0f, 0x2d, 0x06] },
    { name: 'cvttsd2si', kind: 'to-int', insn: [0xf2, 0x0f, 0x2c, 0x06] },
    // MMX sources are loaded with movq into xmm1 (upper half zero: no spurious flags)
    { name: 'cvtpi2ps', kind: 'from-mmx', insn: [0x0f, 0x5b, 0xc9, 0xf2, 0x0f, 0x10, 0xc1] }, // cvtdq2ps %xmm1,%xmm1; movsd %xmm1,%xmm0
    { name: 'cvtpi2pd', kind: 'from-mmx', insn: [0xf3, 0x0f, 0xe6, 0xc1] }, // cvtdq2pd %xmm1,%xmm0
    { name: 'cvtps2pi', kind: 'to-mmx-ps', insn: [0x66, 0x0f, 0x5b, 0xc1] }, // cvtps2dq %xmm1,%xmm0
    { name: 'cvttps2pi', kind: 'to-mmx-ps', insn: [0xf3, 0x0f, 0x5b, 0xc1] },
    { name: 'cvtpd2pi', kind: 'to-mmx-pd', insn: [0xf2, 0x0f, 0xe6, 0xc1] }, // cvtpd2dq %xmm1,%xmm0
    { name: 'cvttpd2pi', kind: 'to-mmx-pd', insn: [0x66, 0x0f, 0xe6, 0xc1] },
    { name: 'haddps', kind: 'xmm', insn: [0xf2, 0x0f, 0x7c, 0xc1] },
    { name: 'haddpd', kind: 'xmm', insn: [0x66, 0x0f, 0x7c, 0xc1] },
    { name: 'hsubps', kind: 'xmm', insn: [0xf2, 0x0f, 0x7d, 0xc1] },
    { name: 'hsubpd', kind: 'xmm', insn: [0x66, 0x0f, 0x7d, 0xc1] },
    { name: 'addsubps', kind: 'xmm', insn: [0xf2, 0x0f, 0xd0, 0xc1] },
    { name: 'addsubpd', kind: 'xmm', insn: [0x66, 0x0f, 0xd0, 0xc1] },
    { name: 'rcpps', kind: 'xmm', insn: [0x0f, 0x53, 0xc1] },
    { name: 'rcpss', kind: 'xmm', insn: [0xf3, 0x0f, 0x53, 0xc1] },
    { name: 'rsqrtps', kind: 'xmm', insn: [0x0f, 0x52, 0xc1] },
    { name: 'rsqrtss', kind: 'xmm', insn: [0xf3, 0x0f, 0x52, 0xc1] },
    { name: 'roundps_xmm', kind: 'round', insn: [0x66, 0x0f, 0x3a, 0x08, 0xc1] },
    { name: 'roundpd_xmm', kind: 'round', insn: [0x66, 0x0f, 0x3a, 0x09, 0xc1] },
    { name: 'roundss_xmm', kind: 'round', insn: [0x66, 0x0f, 0x3a, 0x0a, 0xc1] },
    { name: 'roundsd_xmm', kind: 'round', insn: [0x66, 0x0f, 0x3a, 0x0b, 0xc1] },
    { name: 'dpps_xmm', kind: 'xmm-imm', insn: [0x66, 0x0f, 0x3a, 0x40, 0xc1] },
    { name: 'dppd_xmm', kind: 'xmm-imm', insn: [0x66, 0x0f, 0x3a, 0x41, 0xc1] },
  );
  return list;
}

/** Helpers whose first bytes pin the layout the thunks rely on (sse_status 0x308, mxcsr 0x310, cc_src 0x98). */
const LAYOUT_CHECKS: Array<[string, string]> = [
  ['ldmxcsr', '89b710030000e9'], //                                 mov %esi,0x310(%rdi); jmp update_mxcsr_status
  ['addss', '534889d04889f3488d9708030000' + '8b308b3be8'], //      lea 0x308(%rdi),%rdx (sse_status); float32_add
  ['comiss', '534889f04889d14889fb488d9708030000'], //               then ... mov %rax,0x98(%rbx) (CC_SRC)
  ['cvtss2si', '55534889fb4883ec080fb6ab0a030000'], //              softfloat flags at 0x30a
  ['cvtsi2ss', '534889f84889f389d7488db008030000e8'],
  ['sqrtss', '534889f3488db7080300008b3ae8'],
];
const COMISS_STORE = { at: 0x2a, bytes: '48898398000000' }; // mov %rax,0x98(%rbx)

/**
 * sub $24,%rsp; stmxcsr (%rsp); the guest's control bits with every
 * exception masked and no flags into 4(%rsp); ldmxcsr 4(%rsp).
 */
const PROLOGUE = [
  0x48, 0x83, 0xec, 0x18, //                         sub $24,%rsp
  0x0f, 0xae, 0x1c, 0x24, //                         stmxcsr (%rsp)
  0x8b, 0x87, ...u32(MXCSR), //                      mov MXCSR(%rdi),%eax
  0x25, 0xc0, 0xff, 0x00, 0x00, //                   and $0xffc0,%eax
  0x0d, 0x80, 0x1f, 0x00, 0x00, //                   or $0x1f80,%eax
  0x89, 0x44, 0x24, 0x04, //                         mov %eax,4(%rsp)
  0x0f, 0xae, 0x54, 0x24, 0x04, //                   ldmxcsr 4(%rsp)
];

/**
 * Flags raised into r8d; host MXCSR restored; r10d = raised and unmasked.
 * Leaves eax, xmm0 and the arithmetic flags of the operation alone only as
 * far as eax and xmm0 go (rflags are clobbered).
 */
const FLAGS = [
  0x0f, 0xae, 0x5c, 0x24, 0x04, //                   stmxcsr 4(%rsp)
  0x44, 0x8b, 0x44, 0x24, 0x04, //                   mov 4(%rsp),%r8d
  0x41, 0x83, 0xe0, 0x3f, //                         and $0x3f,%r8d
  0x0f, 0xae, 0x14, 0x24, //                         ldmxcsr (%rsp)
  0x44, 0x8b, 0x8f, ...u32(MXCSR), //                mov MXCSR(%rdi),%r9d
  0x45, 0x89, 0xca, //                               mov %r9d,%r10d
  0x41, 0xc1, 0xea, 0x07, //                         shr $7,%r10d
  0x41, 0xf7, 0xd2, //                               not %r10d
  0x45, 0x21, 0xc2, //                               and %r8d,%r10d
  0x41, 0x83, 0xe2, 0x3f, //                         and $0x3f,%r10d
];

/** Unmasked exception: set its flags (only IE/DE/ZE if one of those is the cause) and raise #XM. */
function raiseXmm(raise: number): number[] {
  return [
    0x41, 0xf6, 0xc2, 0x07, //                       test $7,%r10b
    0x74, 0x04, //                                   je +4
    0x41, 0x83, 0xe0, 0x07, //                       and $7,%r8d
    0x44, 0x09, 0x87, ...u32(MXCSR), //              or %r8d,MXCSR(%rdi)
    0x48, 0x83, 0xc4, 0x18, //                       add $24,%rsp
    0x48, 0x8b, 0x14, 0x24, //                       mov (%rsp),%rdx          (the helper's return address)
    0xbe, ...u32(EXCP_XMM), //                       mov $19,%esi
    ...registerSafeJump(raise), //                             raise_exception_ra(env, #XM, ra)
  ];
}

/** test %r10d,%r10d; jne raise (rel32 patched by assemble) */
const CHECK = [0x45, 0x85, 0xd2, 0x0f, 0x85, 0, 0, 0, 0];
/** or %r8d,MXCSR(%rdi) */
const STICKY = [0x44, 0x09, 0x87, ...u32(MXCSR)];
const RETURN = [0x48, 0x83, 0xc4, 0x18, 0xc3]; // add $24,%rsp; ret

const LOAD_D = [0x0f, 0x10, 0x06]; // movups (%rsi),%xmm0
const LOAD_S = [0x0f, 0x10, 0x0a]; // movups (%rdx),%xmm1
const LOAD_S_MMX = [0xf3, 0x0f, 0x7e, 0x0a]; // movq (%rdx),%xmm1
const STORE_D = [0x0f, 0x11, 0x06]; // movups %xmm0,(%rsi)
const STORE_D_MMX = [0x66, 0x0f, 0xd6, 0x06]; // movq %xmm0,(%rsi)

/** Assemble: prologue, body, flags, check, store, return, raise. */
function thunk(body: number[], store: number[], raise: number): number[] {
  const head = [...PROLOGUE, ...body, ...FLAGS];
  const tail = [...STICKY, ...store, ...RETURN];
  const check = [...CHECK];
  const rel = tail.length;
  check.splice(5, 4, ...u32(rel));
  return [...head, ...check, ...tail, ...raiseXmm(raise)];
}

function bodyOf(h: Helper): { body: number[]; store: number[] } {
  switch (h.kind) {
    case 'xmm': return { body: [...LOAD_D, ...LOAD_S, ...h.insn], store: STORE_D };
    case 'from-int': return { body: [...LOAD_D, ...h.insn], store: STORE_D };
    case 'to-int': return { body: h.insn, store: [] };
    case 'from-mmx': return { body: [...LOAD_D, ...LOAD_S_MMX, ...h.insn], store: STORE_D };
    case 'to-mmx-ps': return { body: [...LOAD_S_MMX, ...h.insn], store: STORE_D_MMX };
    case 'to-mmx-pd': return { body: [...LOAD_S, ...h.insn], store: STORE_D_MMX };
    case 'comis':
      // pushfq right after the compare; ZF PF CF into CC_SRC once no exception is raised
      return {
        body: [...LOAD_D, ...LOAD_S, ...h.insn, 0x9c, 0x41, 0x5b], // pushfq; pop %r11
        store: [0x41, 0x83, 0xe3, 0x45, 0x4c, 0x89, 0x9f, ...u32(CC_SRC)], // and $0x45,%r11d; mov %r11,CC_SRC(%rdi)
      };
    default: throw new Error(`no simple body for ${h.kind}`);
  }
}

/**
 * ROUNDxx: the immediate's bit 2 means "use MXCSR.RC", else its bits 0-1
 * are the rounding; bit 3 suppresses the precision exception. The host
 * instruction uses MXCSR (imm 4) with RC set here, or 12 to suppress.
 */
function roundThunk(h: Helper, raise: number): number[] {
  const setRounding = [
    0xf6, 0xc1, 0x04, //                             test $4,%cl
    0x75, 0x13, //                                   jne +19 (keep the guest's RC)
    0x8b, 0x44, 0x24, 0x04, //                       mov 4(%rsp),%eax
    0x25, 0xff, 0x9f, 0xff, 0xff, //                 and $~0x6000,%eax
    0x89, 0xca, //                                   mov %ecx,%edx (clobbers s: load it first)
    0x83, 0xe2, 0x03, //                             and $3,%edx
    0xc1, 0xe2, 0x0d, //                             shl $13,%edx
    0x09, 0xd0, //                                   or %edx,%eax
    0x89, 0x44, 0x24, 0x04, //                       mov %eax,4(%rsp)
    0x0f, 0xae, 0x54, 0x24, 0x04, //                 ldmxcsr 4(%rsp)
  ];
  // the relative jump above skips from after `jne` to the end of setRounding
  setRounding[4] = setRounding.length - 5;
  const body = [
    ...LOAD_D, ...LOAD_S, ...setRounding,
    0xf6, 0xc1, 0x08, //                             test $8,%cl
    0x75, h.insn.length + 1 + 2, //                  jne suppress
    ...h.insn, 0x04, //                              roundXX $4,%xmm1,%xmm0
    0xeb, h.insn.length + 1, //                      jmp done
    ...h.insn, 0x0c, //                              suppress: roundXX $12,%xmm1,%xmm0
  ];
  return thunk(body, STORE_D, raise);
}

/** DPPS/DPPD: a jump table of the 256 immediates, each stub the instruction and a jump back. */
function immediateThunk(h: Helper, raise: number): number[] {
  const stub = (imm: number): number[] => [...h.insn, imm, 0xe9, 0, 0, 0, 0]; // insn $imm; jmp done
  const stubLength = stub(0).length;
  const dispatch = [
    ...LOAD_D, ...LOAD_S,
    0x0f, 0xb6, 0xc9, //                             movzbl %cl,%ecx
    0x48, 0x6b, 0xc9, stubLength, //                 imul $stubLength,%rcx,%rcx
    0x48, 0x8d, 0x05, 0, 0, 0, 0, //                 lea stubs(%rip),%rax
    0x48, 0x01, 0xc8, //                             add %rcx,%rax
    0xff, 0xe0, //                                   jmp *%rax
  ];
  // layout: PROLOGUE, dispatch, [stubs], done: FLAGS ...
  const beforeStubs = PROLOGUE.length + dispatch.length;
  const leaEnd = PROLOGUE.length + dispatch.length - 5; // end of the lea instruction
  dispatch.splice(dispatch.length - 9, 4, ...u32(beforeStubs - leaEnd));
  const stubs: number[] = [];
  const done = beforeStubs + 256 * stubLength;
  for (let imm = 0; imm < 256; imm++) {
    const s = stub(imm);
    const end = beforeStubs + (imm + 1) * stubLength;
    s.splice(s.length - 4, 4, ...u32(done - end));
    stubs.push(...s);
  }
  return thunk([...dispatch, ...stubs], STORE_D, raise);
}

/**
 * PCMPxSTRx (env, d, s, ctrl): no MXCSR involvement. The host instruction
 * runs on xmm0 = d, xmm1 = s (and the guest's EAX/EDX as lengths for the
 * explicit forms), through a jump table of the 256 immediates; ECX or XMM0
 * and the flags go back to the guest (CC_SRC, read as EFLAGS).
 */
function stringCompareThunk(opcode: number, explicit: boolean, toMask: boolean): number[] {
  const stub = (imm: number): number[] => [0x66, 0x0f, 0x3a, opcode, 0xc1, imm, 0xe9, 0, 0, 0, 0];
  const stubLength = stub(0).length;
  const head = [
    0x49, 0x89, 0xfb, //                             mov %rdi,%r11            (env)
    0x0f, 0x10, 0x06, //                             movups (%rsi),%xmm0
    0x0f, 0x10, 0x0a, //                             movups (%rdx),%xmm1
    ...(explicit ? [
      0x41, 0x8b, 0x43, REG_EAX, //                  mov EAX(%r11),%eax
      0x41, 0x8b, 0x53, REG_EDX, //                  mov EDX(%r11),%edx
    ] : []),
    0x0f, 0xb6, 0xc9, //                             movzbl %cl,%ecx
    0x48, 0x6b, 0xc9, stubLength, //                 imul $stubLength,%rcx,%rcx
    0x4c, 0x8d, 0x15, 0, 0, 0, 0, //                 lea stubs(%rip),%r10
    0x49, 0x01, 0xca, //                             add %rcx,%r10
    0x41, 0xff, 0xe2, //                             jmp *%r10
  ];
  head.splice(head.length - 10, 4, ...u32(6)); //    stubs start right after add + jmp
  const done = [
    0x9c, 0x58, //                                   pushfq; pop %rax
    0x25, 0xd5, 0x08, 0x00, 0x00, //                 and $0x8d5,%eax
    0x49, 0x89, 0x83, ...u32(CC_SRC), //             mov %rax,CC_SRC(%r11)
    ...(toMask
      ? [0x41, 0x0f, 0x11, 0x83, ...u32(XMM0)] //    movups %xmm0,XMM0(%r11)
      : [0x89, 0xc9, 0x49, 0x89, 0x4b, REG_ECX]), // mov %ecx,%ecx; mov %rcx,ECX(%r11)
    0xc3, //                                         ret
  ];
  const stubs: number[] = [];
  for (let imm = 0; imm < 256; imm++) {
    const s = stub(imm);
    s.splice(s.length - 4, 4, ...u32((255 - imm) * stubLength));
    stubs.push(...s);
  }
  return [...head, ...stubs, ...done];
}

const STRING_COMPARES: Array<{ name: string; opcode: number; explicit: boolean; toMask: boolean; bytes: string }> = [
  { name: 'pcmpestrm', opcode: 0x60, explicit: true, toMask: true, bytes: '5589cd534889fb4889d78b038b531041' },
  { name: 'pcmpestri', opcode: 0x61, explicit: true, toMask: false, bytes: '41544189cc55538b47104889fb4189c0' },
  { name: 'pcmpistrm', opcode: 0x62, explicit: false, toMask: true, bytes: '554531c94889fd5389cb83e1010f848d' },
  { name: 'pcmpistri', opcode: 0x63, explicit: false, toMask: false, bytes: '554531c94889fd5389cb83e101746190' },
];

/** LDMXCSR: a reserved bit set is #GP(0); otherwise the helper as it was. */
function ldmxcsrThunk(raiseErr: number, original: number[]): number[] {
  return [
    0xf7, 0xc6, 0x00, 0x00, 0xff, 0xff, //           test $0xffff0000,%esi
    0x75, original.length, //                        jne gp
    ...original, //                                  the helper's own code (mov to mxcsr, jmp)
    0x48, 0x8b, 0x0c, 0x24, //                       gp: mov (%rsp),%rcx
    0xbe, ...u32(EXCP_GPF), //                       mov $13,%esi
    0x31, 0xd2, //                                   xor %edx,%edx
    ...registerSafeJump(raiseErr), //                          raise_exception_err_ra(env, #GP, 0, ra)
  ];
}

/** Replace the helpers, once per process; returns whether SSE arithmetic is now the host's. */
export function useHostSse(notes: string[]): boolean {
  const unknown = (why: string): boolean => {
    notes.push(`${why}: SSE exception flags stay unreported`);
    return false;
  };
  for (const [name, bytes] of LAYOUT_CHECKS) {
    const at = unicornSymbol(`helper_${name}_x86_64`);
    if (at === null) return unknown(`helper_${name} not found`);
    if (isAbsoluteJump(at)) continue; // replaced earlier in this process
    if (hexAt(at, bytes.length / 2) !== bytes) return unknown('unrecognised Unicorn build');
  }
  const comiss = unicornSymbol('helper_comiss_x86_64')!;
  if (!isAbsoluteJump(comiss) && hexAt(comiss + COMISS_STORE.at, COMISS_STORE.bytes.length / 2) !== COMISS_STORE.bytes) {
    return unknown('unrecognised Unicorn build');
  }
  const raise = unicornSymbol('raise_exception_ra_x86_64');
  const raiseErr = unicornSymbol('raise_exception_err_ra_x86_64');
  if (raise === null || raiseErr === null) return unknown('raise_exception_ra not found');
  const list = helpers().map((h) => ({ h, at: unicornSymbol(`helper_${h.name}_x86_64`) }));
  const missing = list.find((t) => t.at === null);
  if (missing) return unknown(`helper_${missing.h.name} not found`);
  const ldmxcsr = unicornSymbol('helper_ldmxcsr_x86_64')!;
  const strings = STRING_COMPARES.map((c) => ({ c, at: unicornSymbol(`helper_${c.name}_xmm_x86_64`) }));
  if (strings.some((t) => t.at === null)) return unknown('a PCMPxSTRx helper not found');
  if (list.every((t) => isAbsoluteJump(t.at!)) && isAbsoluteJump(ldmxcsr)) return true;
  if (!strings.every((t) => hexAt(t.at!, t.c.bytes.length / 2) === t.c.bytes)) return unknown('unrecognised Unicorn build');

  const pieces = list.map(({ h }) => {
    if (h.kind === 'round') return roundThunk(h, raise);
    if (h.kind === 'xmm-imm') return immediateThunk(h, raise);
    const { body, store } = bodyOf(h);
    return thunk(body, store, raise);
  });
  // ldmxcsr: its 6-byte store, then its tail jump re-encoded as an absolute one
  const ldmxcsrTail = ldmxcsr + 6 + 5 + new DataView(new Uint8Array(Buffer.from(hexAt(ldmxcsr + 7, 4), 'hex')).buffer).getInt32(0, true);
  const ldmxcsrOriginal = [0x89, 0xb7, ...u32(MXCSR), ...registerSafeJump(ldmxcsrTail)];
  pieces.push(ldmxcsrThunk(raiseErr, ldmxcsrOriginal));
  for (const { c } of strings) pieces.push(stringCompareThunk(c.opcode, c.explicit, c.toMask));
  const entries = placeCode(pieces);
  if (entries === null) return unknown('cannot place code');
  const targets = [...list.map((t) => t.at!), ldmxcsr, ...strings.map((t) => t.at!)];
  for (let i = 0; i < targets.length; i++) {
    if (!writeCode(targets[i], absoluteJump(entries[i]))) return unknown(`cannot write over the helper at ${targets[i].toString(16)}`);
  }
  return true;
}
