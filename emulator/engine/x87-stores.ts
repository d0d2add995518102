// Exact x87 integer and BCD stores for Debian 12's Unicorn 2.0.1.
//
// Its helpers (QEMU 5.0 code) get the edges of these stores wrong:
//  - FISTTP of a value beyond int32/int64 saturates (0x7fffffff) where the
//    CPU stores the integer indefinite (0x80000000...);
//  - FIST/FISTP/FISTTP to 16 bits convert to 32 bits first: out of range they
//    report an inexact result instead of an invalid operation;
//  - FBSTP stores -0 (and a negative value that rounds to zero) without its
//    sign, and a NaN, an infinity or a value of more than 18 digits as digits
//    of a saturated int64 instead of the packed BCD indefinite;
//  - none of them reports in C1 whether the result was rounded up.
// The host is an x86-64 with a real x87, so each helper is replaced by a
// thunk that runs the same store on the host FPU (under the guest's control
// word, exceptions masked, see x87-host.ts) into host memory, merges C1 and the exception
// flags into the guest's status word (ES|B when one is unmasked, as the
// other x87 corrections do), and returns the integer for the translated code
// to store; FBSTP's ten bytes are written with cpu_stb_data_ra, as the
// original helper writes them, so guest page faults are raised the same way.
// The 32- and 64-bit FIST/FISTP helpers stay (only their C1 differs).
//
// Offsets (this build's CPUX86State): fpstt 0x23c, fpus 0x240, fpuc 0x242,
// fpregs 0x250 in 16-byte slots (fpuc is read by x87-host.ts). Every helper's first bytes are compared with
// this build's before anything is written.
import { absoluteJump, hexAt, isAbsoluteJump, placeCode, unicornSymbol, writeCode } from './native-code.js';
import { HOST_FPU_ENTER, HOST_FPU_LEAVE } from './x87-host.js';

const u64 = (v: number): number[] => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return [...b];
};

/** The host FPU entered (x87-host.ts) and the guest's ST0 pushed. Needs %rbx = env and the frame. */
const LOAD_GUEST_ST0 = [
  ...HOST_FPU_ENTER,
  0x89, 0xca, //                            mov %ecx,%edx            (fpstt)
  0xc1, 0xe2, 0x04, //                      shl $0x4,%edx
  0xdb, 0xac, 0x13, 0x50, 0x02, 0x00, 0x00, // fldt 0x250(%rbx,%rdx,1)
];

/** fpus: C1 and the exception flags from the host status word in %ax (ES|B if unmasked). Uses edx, esi. */
const MERGE_STATUS = [
  0x0f, 0xb7, 0x93, 0x40, 0x02, 0x00, 0x00, // movzwl 0x240(%rbx),%edx
  0x81, 0xe2, 0xff, 0xfd, 0x00, 0x00, //    and $0xfdff,%edx (C1)
  0x89, 0xc6, //                            mov %eax,%esi
  0x81, 0xe6, 0x3f, 0x02, 0x00, 0x00, //    and $0x023f,%esi (C1, exception flags)
  0x09, 0xf2, //                            or %esi,%edx
  0x0f, 0xb7, 0xb3, 0x42, 0x02, 0x00, 0x00, // movzwl 0x242(%rbx),%esi
  0xf7, 0xd6, //                            not %esi
  0x21, 0xc6, //                            and %eax,%esi
  0xf7, 0xc6, 0x3f, 0x00, 0x00, 0x00, //    test $0x3f,%esi (unmasked exception?)
  0x74, 0x06, //                            je +6
  0x81, 0xca, 0x80, 0x80, 0x00, 0x00, //    or $0x8080,%edx (ES|B)
  0x66, 0x89, 0x93, 0x40, 0x02, 0x00, 0x00, // mov %dx,0x240(%rbx)
];

/** An integer store: the host stores at 0x60(%rsp), the flags are merged, the value is returned in %eax/%rax. */
function integerStore(store: number[], load: number[]): number[] {
  return [
    0x53, //                                push %rbx
    0x48, 0x89, 0xfb, //                    mov %rdi,%rbx
    0x48, 0x83, 0xec, 0x70, //              sub $0x70,%rsp
    ...LOAD_GUEST_ST0,
    ...store, //                            fist(t)p 0x60(%rsp)
    0xdf, 0xe0, //                          fnstsw %ax
    ...MERGE_STATUS,
    ...HOST_FPU_LEAVE,
    ...load, //                             the value into %eax/%rax
    0x48, 0x83, 0xc4, 0x70, //              add $0x70,%rsp
    0x5b, //                                pop %rbx
    0xc3, //                                ret
  ];
}

const MOVSWL_RESULT = [0x0f, 0xbf, 0x44, 0x24, 0x60]; // movswl 0x60(%rsp),%eax
const MOVL_RESULT = [0x8b, 0x44, 0x24, 0x60]; //         mov 0x60(%rsp),%eax
const MOVQ_RESULT = [0x48, 0x8b, 0x44, 0x24, 0x60]; //   mov 0x60(%rsp),%rax

/** FBSTP: the host's ten bytes at 0x70(%rsp), then cpu_stb_data_ra(env, ptr + i, byte, GETPC) for each. */
function bcdStore(storeByte: number): number[] {
  return [
    0x53, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57, // push %rbx, %r12..%r15
    0x48, 0x89, 0xfb, //                    mov %rdi,%rbx        (env)
    0x49, 0x89, 0xf4, //                    mov %rsi,%r12        (guest address)
    0x4c, 0x8b, 0x6c, 0x24, 0x28, //        mov 0x28(%rsp),%r13  (the helper's return address: GETPC)
    0x48, 0x81, 0xec, 0x80, 0x00, 0x00, 0x00, // sub $0x80,%rsp
    ...LOAD_GUEST_ST0,
    0xdf, 0x74, 0x24, 0x70, //              fbstp 0x70(%rsp)
    0xdf, 0xe0, //                          fnstsw %ax
    0x44, 0x0f, 0xb7, 0xf8, //              movzwl %ax,%r15d
    ...HOST_FPU_LEAVE,
    0x45, 0x31, 0xf6, //                    xor %r14d,%r14d
    // 1: the bytes in order; a fault leaves the status word as it was
    0x48, 0x89, 0xdf, //                    mov %rbx,%rdi
    0x4b, 0x8d, 0x34, 0x34, //              lea (%r12,%r14,1),%rsi
    0x42, 0x0f, 0xb6, 0x54, 0x34, 0x70, //  movzbl 0x70(%rsp,%r14,1),%edx
    0x4c, 0x89, 0xe9, //                    mov %r13,%rcx
    0x48, 0xb8, ...u64(storeByte), //       movabs $cpu_stb_data_ra,%rax
    0xff, 0xd0, //                          call *%rax
    0x49, 0xff, 0xc6, //                    inc %r14
    0x49, 0x83, 0xfe, 0x0a, //              cmp $10,%r14
    0x72, 0xdb, //                          jb 1b (-37)
    0x44, 0x89, 0xf8, //                    mov %r15d,%eax
    ...MERGE_STATUS,
    0x48, 0x81, 0xc4, 0x80, 0x00, 0x00, 0x00, // add $0x80,%rsp
    0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5b, // pop %r15..%r12, %rbx
    0xc3, //                                ret
  ];
}

interface StoreHelper {
  helper: string;
  /** This build's first bytes. */
  expected: string;
  code: (storeByte: number) => number[];
}

const STORES: StoreHelper[] = [
  { helper: 'fist_ST0', expected: '4883ec088b873c020000488d97e80200004883c02548c1e0', code: () => integerStore([0xdf, 0x5c, 0x24, 0x60], MOVSWL_RESULT) }, // fistps
  { helper: 'fistt_ST0', expected: '4883ec088b873c020000488d97e80200004883c02548c1e0', code: () => integerStore([0xdf, 0x4c, 0x24, 0x60], MOVSWL_RESULT) }, // fisttps
  { helper: 'fisttl_ST0', expected: '8b873c020000488d97e80200004883c02548c1e0044801c7', code: () => integerStore([0xdb, 0x4c, 0x24, 0x60], MOVL_RESULT) }, // fisttpl
  { helper: 'fisttll_ST0', expected: '8b873c020000488d97e80200004883c02548c1e0044801c7', code: () => integerStore([0xdd, 0x4c, 0x24, 0x60], MOVQ_RESULT) }, // fisttpll
  { helper: 'fbst_ST0', expected: '4156488d97e802000041554989f5415455498d6d09538b87', code: bcdStore },
];
/** The helper the original FBST writes guest bytes with; its first bytes checked too. */
const STORE_BYTE = { name: 'cpu_stb_data_ra_x86_64', expected: '8b87b00000004989c8b9010000004189c14183e1034183f9' };

/** Replace the store helpers, once per process. Returns whether the stores are now exact. */
export function replaceX87Stores(notes: string[]): boolean {
  const unrecognised = () => {
    notes.push('unrecognised Unicorn build: x87 integer and BCD stores stay inexact at their edges');
    return false;
  };
  const storeByte = unicornSymbol(STORE_BYTE.name);
  if (storeByte === null || hexAt(storeByte, STORE_BYTE.expected.length / 2) !== STORE_BYTE.expected) return unrecognised();
  const targets = STORES.map((s) => ({ s, at: unicornSymbol(`helper_${s.helper}_x86_64`) }));
  if (targets.some(({ at }) => at === null)) return unrecognised();
  if (targets.every(({ at }) => isAbsoluteJump(at!))) return true; // done already
  if (!targets.every(({ s, at }) => hexAt(at!, s.expected.length / 2) === s.expected)) return unrecognised();
  const entries = placeCode(targets.map(({ s }) => s.code(storeByte)));
  if (entries === null) {
    notes.push('cannot place code for the x87 stores: they stay inexact at their edges');
    return false;
  }
  for (let i = 0; i < targets.length; i++) {
    if (!writeCode(targets[i].at!, absoluteJump(entries[i]))) {
      notes.push(`cannot write over helper_${targets[i].s.helper}: it stays inexact at its edges`);
      return false;
    }
  }
  return true;
}
