// The redirection a patch leaves behind: a 5-byte `jmp rel32` over the entry
// of the replaced function, so every caller that still reaches the old entry
// (direct calls, PLT calls, function pointers stored in data) lands in the
// new code. The bytes it covers are saved in the undo log first.
import type { Process } from '../../emulator/process.js';
import type { UndoLog } from './undo-log.js';

export const JMP_SIZE = 5;

export function encodeJump(from: number, to: number): Uint8Array {
  const rel = (to - (from + JMP_SIZE)) | 0;
  const b = new Uint8Array(JMP_SIZE);
  b[0] = 0xe9;
  new DataView(b.buffer).setInt32(1, rel, true);
  return b;
}

/** Where an existing `jmp rel32` at `at` goes, or null when there is none. */
export function jumpTarget(proc: Process, at: number): number | null {
  const bytes = proc.space.memory.bytes;
  if (bytes[at] !== 0xe9) return null;
  return (at + JMP_SIZE + proc.space.memory.view.getInt32(at + 1, true)) >>> 0;
}

export function writeJump(proc: Process, from: number, to: number, log: UndoLog): void {
  const bytes = proc.space.memory.bytes;
  const original = bytes.slice(from, from + JMP_SIZE);
  bytes.set(encodeJump(from, to), from);
  proc.machine.invalidateCode(from, from + JMP_SIZE);
  log.record(`jmp at 0x${from.toString(16)}`, () => {
    bytes.set(original, from);
    proc.machine.invalidateCode(from, from + JMP_SIZE);
  });
}
