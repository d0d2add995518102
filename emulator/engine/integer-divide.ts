// A guest `idiv` that would crash the host. Unicorn 2.0.1's helper for the
// 32-bit idiv divides the 64-bit EDX:EAX by the sign-extended divisor with
// the host's own 64-bit idiv: for EDX:EAX = 0x8000000000000000 and a divisor
// of -1 the quotient overflows 64 bits and the host CPU raises #DE, which
// killed dsu with SIGFPE. The guest must get its own divide error instead
// (the quotient does not fit in 32 bits either). The helper's division is
// replaced by a jump to code that handles a divisor of -1 by negation and
// sends an overflow to the helper's own #DE path. (The 8- and 16-bit helpers
// reject overflowing quotients before any host division can trap.)
import { hexAt, placeCode, registerSafeJump, unicornSymbol, writeCode } from './native-code.js';

/** helper_idivl_EAX_x86_64: num = EDX:EAX in %rax, divisor in %esi. */
const HELPER_BYTES =
  '488b4710' + '8b17' + '48c1e020' + '4809d0' + // mov 0x10(%rdi),%rax; mov (%rdi),%edx; shl $32,%rax; or %rdx,%rax
  '85f6' + '741e' + //                                test %esi,%esi; je raise
  '4863f6' + '4899' + '48f7fe' + //                   movslq %esi,%rsi; cqto; idiv %rsi
  '4863c8' + '4839c1' + '750e'; //                    movslq %eax,%rcx; cmp %rax,%rcx; jne raise
/** Where `test %esi,%esi` starts: the 12 bytes up to the quotient check are replaced. */
const REPLACED_AT = 0x0d;
const REPLACED_LENGTH = 12;
/** The quotient check (movslq %eax,%rcx) and the #DE path (push %rax; ... raise_exception_ra). */
const CHECK_AT = 0x19;
const RAISE_AT = 0x2f;

const u64 = (v: number): number[] => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return [...b];
};


function divideThunk(check: number, raise: number): number[] {
  const backJump = registerSafeJump(check);
  const raiseJump = registerSafeJump(raise);
  // layout: test/je | cmp/jne | neg/jo | xor edx | jmp back | 1: movslq/cqto/idiv | jmp back | raise
  const divide = [0x48, 0x63, 0xf6, 0x48, 0x99, 0x48, 0xf7, 0xfe]; // movslq %esi,%rsi; cqto; idiv %rsi
  const minusOne = [0x48, 0xf7, 0xd8, 0x70, 0x00, 0x31, 0xd2, ...backJump]; // neg %rax; jo raise; xor %edx,%edx; back
  const code: number[] = [];
  code.push(0x85, 0xf6, 0x74, 0x00); //               test %esi,%esi; je raise
  code.push(0x83, 0xfe, 0xff, 0x75, minusOne.length); // cmp $-1,%esi; jne divide
  const joAt = code.length + 3;
  code.push(...minusOne);
  code.push(...divide, ...backJump);
  const raiseAt = code.length;
  code.push(...raiseJump);
  code[3] = raiseAt - 4; //                             je rel8 from the end of `je`
  code[joAt + 1] = raiseAt - (joAt + 2); //             jo rel8
  return code;
}

/** Replace the division, once per process; returns whether a guest idiv can no longer crash the host. */
export function guardIntegerDivide(notes: string[]): boolean {
  const helper = unicornSymbol('helper_idivl_EAX_x86_64');
  if (helper === null) {
    notes.push('helper_idivl_EAX not found: an overflowing idiv may crash dsu');
    return false;
  }
  const current = hexAt(helper, HELPER_BYTES.length / 2);
  if (current.startsWith(HELPER_BYTES.slice(0, REPLACED_AT * 2) + '48ba')) return true; // already replaced here
  if (current !== HELPER_BYTES) {
    notes.push('unrecognised Unicorn build: an overflowing idiv may crash dsu');
    return false;
  }
  const entry = placeCode([divideThunk(helper + CHECK_AT, helper + RAISE_AT)]);
  if (entry === null) {
    notes.push('cannot place code: an overflowing idiv may crash dsu');
    return false;
  }
  // movabs $thunk,%rdx; jmp *%rdx (%rdx is free here: cqto would overwrite it)
  const jump = [0x48, 0xba, ...u64(entry[0]), 0xff, 0xe2];
  if (jump.length !== REPLACED_LENGTH || !writeCode(helper + REPLACED_AT, jump)) {
    notes.push('cannot write over helper_idivl_EAX: an overflowing idiv may crash dsu');
    return false;
  }
  return true;
}
