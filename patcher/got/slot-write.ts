// Rewriting one word of a running program, such as a GOT slot a patch
// redirects: the write goes through the guest's own protection checks, so
// a slot on a page the guest made read-only (RELRO after ld.so's mprotect)
// has that page made writable for the write and read-only again after,
// whatever happens. The old value comes back so the write can be undone.
import type { Process } from '../../emulator/process.js';
import { PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE, pageDown } from '../../emulator/memory/address-space.js';

/** The slot cannot be written (unmapped, misaligned, or the program is gone). */
export class SlotWriteError extends Error {
  override name = 'SlotWriteError';
}

export interface SlotWrite {
  slot: number;
  /** What the slot held: write it back to undo. */
  old: number;
  value: number;
  /** The page was read-only and was made writable for the write. */
  lifted: boolean;
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

export function writeSlot(proc: Process, slot: number, value: number): SlotWrite {
  if (proc.exited) throw new SlotWriteError('the program has exited');
  if (!Number.isInteger(slot) || slot < 0 || slot % 4 !== 0) throw new SlotWriteError(`slot ${hex(slot)} is not a 4-byte aligned address`);
  const region = proc.space.regionAt(slot);
  if (!region || region.kind === 'reserved' || (region.prot & PROT_READ) === 0) {
    throw new SlotWriteError(`slot ${hex(slot)} is not in readable guest memory`);
  }
  const prot = region.prot;
  const page = pageDown(slot);
  const lifted = (prot & PROT_WRITE) === 0;
  if (lifted && !proc.space.protect(page, page + PAGE_SIZE, prot | PROT_WRITE)) {
    throw new SlotWriteError(`cannot make the page of slot ${hex(slot)} writable`);
  }
  let old: number;
  try {
    old = proc.mem.u32(slot);
    proc.mem.setU32(slot, value >>> 0);
  } finally {
    if (lifted) proc.space.protect(page, page + PAGE_SIZE, prot);
  }
  // a slot inside code (text relocations) may have been translated already
  if (prot & PROT_EXEC) proc.machine.invalidateCode(slot, slot + 4);
  return { slot, old, value: value >>> 0, lifted };
}
