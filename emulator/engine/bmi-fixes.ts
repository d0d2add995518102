// BMI1/BMI2 instructions that Debian 12's Unicorn 2.0.1 translated wrongly
// (found by c-samples/cpu/bits_ext.c against the host CPU):
//   - PDEP and PEXT took the mask as the source and the source as the mask:
//     the translator passes them to its helpers in the wrong order. Each
//     helper is copied (it is self-contained: only jumps within itself)
//     behind an `xchg %rdi,%rsi`.
//   - BEXTR with a length of 32 or more kept only 31 bits, and BZHI with an
//     index of 32 or more cleared bit 31 and set CF already for index 31:
//     the translator clamps both to 31 where the operand size, 32, was
//     meant. The clamp's immediate becomes 32 (the 64-bit shift it feeds
//     then keeps all 32 bits, and the carry condition becomes index > 31).
//   - BLSI set CF when the source was zero; the CPU sets it when the source
//     is not zero. The translator's BLSI case gets one more TCG operation,
//     cc_src = (source == 0), so the flags computation it shares with BLSR
//     and BLSMSK (CF = cc_src == 0) gives the right carry.
// The translator code is located from gen_intermediate_code_x86_64 and
// compared byte for byte with this build's before anything is written.
import { absoluteJump, hexAt, isAbsoluteJump, placeCode, unicornSymbol, writeCode } from './native-code.js';

/** Offsets from gen_intermediate_code_x86_64 (at 0x4440e0 in this build) into the translator. */
const BASE = 0x4440e0;
/** bextr, 32-bit operand path: ... tcg_gen_ext8u; movcond setup; mov $0x1f,%esi; call tcg_const_i64 ... */
const BEXTR = { at: 0x434419 - BASE, bytes: '488b93e0000000be5b0000004c89f74c8b83d80000004889d1e8d903ffffbe1f0000004c89f7e8cc9ef6ff31f64c89f74989c4e8bf9ef6ff', imm: 0x434438 - BASE };
/** bzhi, 32-bit operand path: ... mov $0x1f,%esi; call tcg_const_i64; ... tcg_gen_setcond_i64(LT) */
const BZHI = { at: 0x4345ff - BASE, bytes: 'e8cc29f7ffbe1f0000004c89f7e8ff9cf6ff488b8be80000004c89f7498b96809900004989c0be020000004989c4e88e94f7ff', imm: 0x434605 - BASE };
/** blsi: mov T0,%rcx; mov T1,%rdx; mov $INDEX_op_neg_i64,%esi; mov %r14,%rdi; call tcg_gen_op2; jmp (and, flags) */
const BLSI = { at: 0x436fd9 - BASE, bytes: '488b8be0000000488b93e8000000be720000004c89f7e89cc2feffe9c7d7ffff' };
const BLSI_CALL_AT = 0x16; // the call's rel32 is at +0x17
const BLSI_JMP_AT = 0x1b; // the jmp's rel32 is at +0x1c
/** DisasContext fields and TCGContext->cpu_cc_src, as the bytes above show them. */
const T0 = 0xe0;
const CPU_CC_SRC = 0x9980;
const TCG_COND_EQ = 8;

const PDEP = '4885f6743b31d24531c9660f1f44000089d14531d24889f883c20148d3e8f34c0fbcd64c8d46ff83e0014489d148d3e04909c14c21c675d84c89c8c30f1f40004531c94c89c8c3';
const PEXT = '4885f6743b31d24531c9660f1f44000031c94889f84c8d46fff3480fbcce48d3e889d183c20183e00148d3e04909c14c21c675dc4c89c8c30f1f8400000000004531c94c89c8c3';

const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const u64 = (v: number): number[] => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return [...b];
};
const bytesOf = (hex: string): number[] => [...Buffer.from(hex, 'hex')];
const rel32At = (address: number): number => Buffer.from(hexAt(address, 4), 'hex').readInt32LE(0);

function blsiThunk(setcondi: number, op2: number, resume: number): number[] {
  return [
    0x4c, 0x89, 0xf7, //                                 mov %r14,%rdi          (tcg_ctx)
    0xbe, ...u32(TCG_COND_EQ), //                        mov $EQ,%esi
    0x49, 0x8b, 0x96, ...u32(CPU_CC_SRC), //             mov cpu_cc_src(%r14),%rdx
    0x48, 0x8b, 0x8b, ...u32(T0), //                     mov T0(%rbx),%rcx
    0x45, 0x31, 0xc0, //                                 xor %r8d,%r8d
    0x48, 0xb8, ...u64(setcondi), 0xff, 0xd0, //         call tcg_gen_setcondi_i64: cc_src = (T0 == 0)
    ...bytesOf(BLSI.bytes.slice(0, BLSI_CALL_AT * 2)), // the original operands of neg T1, T0
    0x48, 0xb8, ...u64(op2), 0xff, 0xd0, //              call tcg_gen_op2
    ...absoluteJump(resume), //                          and on as before
  ];
}

/** Apply the corrections, once per process; returns whether BMI is now translated as the CPU runs it. */
export function correctBmi(notes: string[]): boolean {
  const unknown = (why: string): boolean => {
    notes.push(`${why}: BMI1/BMI2 are not advertised`);
    return false;
  };
  const gen = unicornSymbol('gen_intermediate_code_x86_64');
  const pdep = unicornSymbol('helper_pdep_x86_64');
  const pext = unicornSymbol('helper_pext_x86_64');
  const setcondi = unicornSymbol('tcg_gen_setcondi_i64_x86_64');
  if (gen === null || pdep === null || pext === null || setcondi === null) return unknown('translator symbols not found');
  const blsi = gen + BLSI.at;
  if (isAbsoluteJump(pdep) && isAbsoluteJump(pext) && isAbsoluteJump(blsi)) return true; // done earlier in this process
  const known = hexAt(gen + BEXTR.at, BEXTR.bytes.length / 2) === BEXTR.bytes &&
    hexAt(gen + BZHI.at, BZHI.bytes.length / 2) === BZHI.bytes &&
    hexAt(blsi, BLSI.bytes.length / 2) === BLSI.bytes &&
    hexAt(pdep, PDEP.length / 2) === PDEP && hexAt(pext, PEXT.length / 2) === PEXT;
  if (!known) return unknown('unrecognised Unicorn build');
  const op2 = blsi + BLSI_CALL_AT + 5 + rel32At(blsi + BLSI_CALL_AT + 1);
  const resume = blsi + BLSI_JMP_AT + 5 + rel32At(blsi + BLSI_JMP_AT + 1);
  const XCHG_RDI_RSI = [0x48, 0x87, 0xfe];
  const entries = placeCode([
    [...XCHG_RDI_RSI, ...bytesOf(PDEP)],
    [...XCHG_RDI_RSI, ...bytesOf(PEXT)],
    blsiThunk(setcondi, op2, resume),
  ]);
  if (entries === null) return unknown('cannot place code');
  const ok = writeCode(pdep, absoluteJump(entries[0])) && writeCode(pext, absoluteJump(entries[1])) &&
    writeCode(blsi, absoluteJump(entries[2])) &&
    writeCode(gen + BEXTR.imm, [0x20]) && writeCode(gen + BZHI.imm, [0x20]);
  return ok || unknown('cannot write over the translator');
}
