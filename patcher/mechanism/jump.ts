// The redirection a patch leaves behind: a 5-byte `jmp rel32` over the entry
// of the replaced function, so every caller that still reaches the old entry
// (direct calls, PLT calls, function pointers stored in data) lands in the
// new code. The bytes it covers are saved in the undo log first.
import type { Process } from '../../emulator/process.js';
import type { UndoLog } from './undo-log.js';

export const JMP_SIZE = 5;

function encodeJump(from: number, to: number): Uint8Array {
  const rel = (to - (from + JMP_SIZE)) | 0;
  const b = new Uint8Array(JMP_SIZE);
  b[0] = 0xe9;
  new DataView(b.buffer).setInt32(1, rel, true);
  return b;
}

const PAGE = 4096;

/** Drop translated code of every page the windows touch, one engine call per page. */
function invalidatePages(proc: Process, starts: readonly number[]): void {
  const pages = new Set<number>();
  for (const at of starts) {
    pages.add(at - (at % PAGE));
    pages.add((at + JMP_SIZE - 1) - ((at + JMP_SIZE - 1) % PAGE));
  }
  for (const page of pages) proc.machine.invalidateCode(page, page + PAGE);
}

/**
 * Write `jmp to` over each of `jumps` (entry -> target), saving the bytes it
 * covers in the undo log. The engine's translations are dropped once per page.
 */
export function writeJumps(proc: Process, jumps: ReadonlyMap<number, number>, log: UndoLog): void {
  const bytes = proc.space.memory.bytes;
  const saved: [number, Uint8Array][] = [];
  for (const [from, to] of jumps) {
    saved.push([from, bytes.slice(from, from + JMP_SIZE)]);
    bytes.set(encodeJump(from, to), from);
  }
  invalidatePages(proc, [...jumps.keys()]);
  log.record(`${jumps.size} jump(s)`, () => {
    for (const [from, original] of saved) bytes.set(original, from);
    invalidatePages(proc, saved.map(([from]) => from));
  });
}
