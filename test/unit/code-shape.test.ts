// A function's code shape (loader/identity/code-shape.ts), which tells
// whether a running program's function is the one a patch was made
// against: the same source built with and without -ffunction-sections
// differs in branch encodings and therefore in the assembler's alignment
// padding (Debian's dnsmasq: tcp_request), and must still be the same code;
// any instruction that does something must still count.
import { beforeAll, expect, test } from 'vitest';
import { loadCapstone } from 'capstone-wasm';
import { codeShapeHash, instructionMasks } from '../../loader/identity/code-shape.js';


const INC_JNE_RET = [0x40, 0x75, 0xfd, 0xc3]; // loop: inc eax; jne loop; ret

// as in a function-sections object: a tail jump with a relocated rel32, 4 bytes of padding, the loop
const sectioned = Uint8Array.of(0xe9, 0, 0, 0, 0, 0x8d, 0x74, 0x26, 0x00, ...INC_JNE_RET);
// as linked from one text section: the same jump in two bytes, 7 bytes of padding, the loop
const linked = Uint8Array.of(0xeb, 0x40, 0x8d, 0xb4, 0x26, 0x00, 0x00, 0x00, 0x00, ...INC_JNE_RET);
let masks: ReturnType<typeof instructionMasks>;
beforeAll(async () => {
  await loadCapstone();
  masks = instructionMasks(sectioned, [[1, 4]]);
});

test('padding and branch encodings are not differences', () => {
  expect(masks).toEqual([[0, 1, 4]]);
  expect(codeShapeHash(linked, masks)).toBe(codeShapeHash(sectioned, masks));
  // the other padding forms gas emits: nop, xchg ax,ax, lea esi,[esi], mov esi,esi, nopw
  const otherPadding = Uint8Array.of(0xeb, 0x40, 0x90, 0x66, 0x90, 0x8d, 0x76, 0x00, 0x89, 0xf6, 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00, ...INC_JNE_RET);
  expect(codeShapeHash(otherPadding, masks)).toBe(codeShapeHash(sectioned, masks));
});

test('an instruction that does something is a difference, even where padding was', () => {
  const otherRegister = Uint8Array.of(0xe9, 0, 0, 0, 0, 0x8d, 0x74, 0x26, 0x00, 0x41, 0x75, 0xfd, 0xc3);
  expect(codeShapeHash(otherRegister, masks)).not.toBe(codeShapeHash(sectioned, masks));
  // lea esi,[esi+1] is an add, not padding
  const adds = Uint8Array.of(0xe9, 0, 0, 0, 0, 0x8d, 0x76, 0x01, 0x90, ...INC_JNE_RET);
  expect(codeShapeHash(adds, masks)).not.toBe(codeShapeHash(sectioned, masks));
  // a loop branch to another instruction
  const elsewhere = Uint8Array.of(0xe9, 0, 0, 0, 0, 0x8d, 0x74, 0x26, 0x00, 0x40, 0x75, 0xfe, 0xc3);
  expect(codeShapeHash(elsewhere, masks)).not.toBe(codeShapeHash(sectioned, masks));
});

test('a relocated lea, whose displacement the object leaves zero, is code and not padding', () => {
  // lea eax,[eax+x@GOTOFF]; lea esi,[esi+y@GOTOFF] (gcc's, when esi holds the GOT pointer; Debian's
  // dnsmasq, dhcp_reply); ret: in the object and as linked
  const object = Uint8Array.of(0x8d, 0x80, 0, 0, 0, 0, 0x8d, 0xb6, 0, 0, 0, 0, 0xc3);
  const program = Uint8Array.of(0x8d, 0x80, 0x2c, 0x14, 0, 0, 0x8d, 0xb6, 0xc2, 0x67, 0xfe, 0xff, 0xc3);
  const ranges: [number, number][] = [[2, 4], [8, 4]];
  const relocated = instructionMasks(object, ranges);
  expect(relocated).toEqual([[0, 2, 4], [1, 2, 4]]);
  expect(codeShapeHash(program, relocated)).toBe(codeShapeHash(object, relocated, ranges));
  // without the leas it is another function
  expect(codeShapeHash(Uint8Array.of(0xc3), [])).not.toBe(codeShapeHash(object, relocated, ranges));
});
