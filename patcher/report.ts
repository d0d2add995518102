// What `dsu patch` answers: what the update replaced, added and carried, how
// long each part took and where the program was when it happened.
import type { SafePoint } from './wait-safe.js';
import type { GuestStall } from './stall-meter.js';

export interface ReplacedReport {
  function: string;
  from: string;
  /** Entry of the newest version (hex). */
  to: string;
  /** Old entries now jumping to it (hex), the original first. */
  redirected: string[];
  gotSlots: number;
}

export interface PatchReport {
  id: number;
  patch: string;
  replaced: ReplacedReport[];
  added: string[];
  carried: string[];
  transfer: 'none' | 'ok';
  /** Guest stopped: final check, writes, transfer. */
  pauseMs: number;
  /** The pause by step: the final stack check, carrying statics and the transfer, jumps and GOT slots. */
  pausePhases: { checkMs: number; transferMs: number; redirectMs: number };
  /** Waiting for a safe point, guest running. */
  waitedMs: number;
  /** Mapping, relocating and initialising the patch, guest running (stopped only for its initialisers). */
  loadMs: number;
  /** From the command to the new code being live. */
  totalMs: number;
  /**
   * How long the guest could not run between the command's arrival and the
   * new code being live: the longest stretch (the longest block of dsu's
   * thread by the patcher's steps, or the pause) and all of them added up.
   * What clients of the program see; the pause alone understates it.
   */
  guestStall: GuestStall;
  safePoint: SafePoint['at'];
  /** Where the program was when the update happened (innermost first). */
  stack: string[];
  journaledPages: number;
  /** Allowed but probably not meant (e.g. a file's statics taken over without all of its functions). */
  warnings: string[];
  /** Earlier patches unmapped after this one (superseded, out of the rollback window, unreferenced). */
  released: number[];
  /** Superseded patches out of the rollback window that something still points into. */
  pinned: { id: number; by: string }[];
  /** Debug information that was missing or unreadable (types not checked there). */
  notes: string[];
  /** The type checks, guest running (the first patch includes reading the program's debug information). */
  checksMs: number;
}

/** `dsu patch --check`: what the patch would do, and the program as it is now. */
export interface CheckOnlyReport {
  patch: string;
  wouldReplace: string[];
  wouldAdd: string[];
  wouldCarry: string[];
  warnings: string[];
  notes: string[];
  /** The stack now, innermost first. */
  stack: string[];
  /** Functions the patch replaces that are running now: a real patch would wait for them. */
  activeNow: string[];
}
