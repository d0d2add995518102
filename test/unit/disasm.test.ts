// The fault report's disassembler: nothing (and no exception) until capstone
// is loaded or for bytes that are no instruction, Intel syntax once loaded.
import { expect, test } from 'vitest';
import { disassemble, loadDisassembler } from '../../emulator/faults/disasm.js';

// mov dword ptr [eax], 1 ; ud2
const CODE = Uint8Array.of(0xc7, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0f, 0x0b);

test('before loading, disassembly is unavailable, not an error', () => {
  expect(disassemble(CODE, 0x8049000)).toBeNull();
});

test('once loaded: 32-bit x86, Intel syntax, one instruction', async () => {
  expect(await loadDisassembler()).toBe(true);
  expect(disassemble(CODE, 0x8049000)).toEqual({ text: 'mov dword ptr [eax], 1', size: 6 });
  expect(disassemble(CODE.subarray(6), 0x8049006)).toEqual({ text: 'ud2', size: 2 });
  // 32-bit mode: 0x48 is dec eax, not a REX prefix
  expect(disassemble(Uint8Array.of(0x48, 0x89, 0xc3), 0)?.text).toBe('dec eax');
  // truncated or invalid bytes
  expect(disassemble(Uint8Array.of(0xff), 0)).toBeNull();
  expect(disassemble(new Uint8Array(0), 0)).toBeNull();
});
