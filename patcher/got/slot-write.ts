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

/**
 * Rewrite many words at once (slot -> new value), lifting the protection of
 * each read-only page once for all its slots. Returns what each held, for
 * the undo. Slots that cannot be written are left out and named in `skipped`.
 */
export function writeSlots(proc: Process, values: ReadonlyMap<number, number>): { old: Map<number, number>; skipped: string[] } {
  const old = new Map<number, number>();
  const skipped: string[] = [];
  const byPage = new Map<number, number[]>();
  for (const slot of values.keys()) {
    const page = pageDown(slot);
    byPage.set(page, [...(byPage.get(page) ?? []), slot]);
  }
  for (const [page, slots] of byPage) {
    const region = proc.space.regionAt(page);
    if (!region || region.kind === 'reserved' || (region.prot & PROT_READ) === 0 || slots.some((s) => s % 4 !== 0 || pageDown(s + 3) !== page)) {
      // unusual: fall back to one write at a time with its own checks
      for (const s of slots) {
        try {
          old.set(s, writeSlot(proc, s, values.get(s)!).old);
        } catch (e) {
          skipped.push((e as Error).message);
        }
      }
      continue;
    }
    const prot = region.prot;
    const lifted = (prot & PROT_WRITE) === 0;
    if (lifted && !proc.space.protect(page, page + PAGE_SIZE, prot | PROT_WRITE)) {
      skipped.push(`cannot make the page ${hex(page)} writable`);
      continue;
    }
    try {
      for (const s of slots) {
        old.set(s, proc.mem.u32(s));
        proc.mem.setU32(s, values.get(s)! >>> 0);
      }
    } finally {
      if (lifted) proc.space.protect(page, page + PAGE_SIZE, prot);
    }
    if (prot & PROT_EXEC) proc.machine.invalidateCode(page, page + PAGE_SIZE);
  }
  return { old, skipped };
}
