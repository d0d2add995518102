// Two corrections to Debian 12's Unicorn 2.0.1 (libunicorn2 2.0.1.post1),
// applied in memory after verifying the exact machine code they touch. On any
// other build nothing is changed and `fixes` says so: the emulator stays
// correct, only slower and without preemption.
//
// 1. Fast guest stores. 2.0.1 marks every writable TLB entry TLB_NOTDIRTY and
//    never clears it, so each store takes the self-modifying-code slow path
//    (~90 ns; upstream issue #1970, fixed in 2.1). We drop the flag in
//    tlb_set_page_with_attrs. Write protection is enforced by the x86 page
//    tables we build (see page-tables.ts), not by that slow path; guest code
//    that writes into code pages it already ran is not detected (documented).
// 2. Safe asynchronous stop. 2.0.1 emits an exit-request check after every
//    guest memory access; an exit taken there rewinds EIP to the start of the
//    block although part of it already ran (the "timeout resume" corruption).
//    Setting uc_struct.no_exit_request keeps only the check at block starts.
import koffi from 'koffi';
import { hostMprotect as mprotect, librarySymbol } from '../host/native.js';
import { replaceX87Helpers } from './x87-helpers.js';
import { correctX87Flags } from './x87-flags.js';

const PAGE = 4096;

/** check_exit_request_x86_64 begins by testing uc->no_exit_request (offset 0x78a). */
const EXIT_CHECK_PROLOGUE = [0x48, 0x8b, 0x87, 0x70, 0x99, 0x00, 0x00, 0x80, 0xb8, 0x8a, 0x07, 0x00, 0x00, 0x00, 0x74];
const NO_EXIT_REQUEST_OFFSET = 0x78a;

/** In tlb_set_page_with_attrs_x86_64: testb $2,prot; je; mov section; or $TLB_NOTDIRTY,%r9; cmpb $0,readonly */
const NOTDIRTY_OFFSET = 0x3cd;
const NOTDIRTY_CONTEXT = [
  0xf6, 0x44, 0x24, 0x1c, 0x02, 0x0f, 0x84, 0x67, 0xfd, 0xff, 0xff, 0x48, 0x8b, 0x74, 0x24, 0x08,
  0x49, 0x81, 0xc9, 0x00, 0x04, 0x00, 0x00, 0x80, 0x7e, 0x30, 0x00,
];
const NOTDIRTY_CONTEXT_START = 0x3bd; // NOTDIRTY_OFFSET - 16
const NOP7 = [0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00];

export interface EngineFixes {
  fastStores: boolean;
  safeStop: boolean;
  /** 3. x87 transcendentals computed on the host FPU (see x87-helpers.ts). */
  exactX87: boolean;
  /** 4. x87 exception flags reported in the status word (see x87-flags.ts). */
  x87Flags: boolean;
  notes: string[];
}

let applied: EngineFixes | null = null;

function symbol(name: string): unknown {
  return librarySymbol('libunicorn.so.2', name);
}

function matches(bytes: Uint8Array, at: number, expected: number[]): boolean {
  for (let i = 0; i < expected.length; i++) if (bytes[at + i] !== expected[i]) return false;
  return true;
}

function patchStores(notes: string[]): boolean {
  const fn = symbol('tlb_set_page_with_attrs_x86_64');
  if (fn === null) {
    notes.push('tlb_set_page_with_attrs_x86_64 not found: guest stores use the slow path');
    return false;
  }
  const code = new Uint8Array(koffi.view(fn, NOTDIRTY_OFFSET + 16));
  if (matches(code, NOTDIRTY_OFFSET, NOP7)) return true; // already applied in this process
  if (!matches(code, NOTDIRTY_CONTEXT_START, NOTDIRTY_CONTEXT)) {
    notes.push('unrecognised Unicorn build: guest stores use the slow path');
    return false;
  }
  const addr = Number(koffi.address(fn)) + NOTDIRTY_OFFSET;
  const page = Math.floor(addr / PAGE) * PAGE;
  const len = addr + NOP7.length > page + PAGE ? 2 * PAGE : PAGE;
  if (mprotect(page, len, 7) !== 0) {
    notes.push('cannot make Unicorn code writable: guest stores use the slow path');
    return false;
  }
  code.set(NOP7, NOTDIRTY_OFFSET);
  mprotect(page, len, 5);
  return true;
}

function exitCheckRecognised(notes: string[]): boolean {
  const fn = symbol('check_exit_request_x86_64');
  if (fn === null) {
    notes.push('check_exit_request_x86_64 not found: preemption disabled');
    return false;
  }
  const code = new Uint8Array(koffi.view(fn, EXIT_CHECK_PROLOGUE.length));
  if (!matches(code, 0, EXIT_CHECK_PROLOGUE)) {
    notes.push('unrecognised Unicorn build: preemption disabled');
    return false;
  }
  return true;
}

/** Process-wide fixes, applied once. */
export function engineFixes(): EngineFixes {
  if (applied) return applied;
  const notes: string[] = [];
  applied = { fastStores: patchStores(notes), safeStop: exitCheckRecognised(notes), exactX87: replaceX87Helpers(notes), x87Flags: correctX87Flags(notes), notes };
  return applied;
}

/** Per-engine part of fix 2: set uc->no_exit_request on a freshly opened engine. */
export function disableMidBlockExitChecks(engine: unknown): boolean {
  if (!engineFixes().safeStop) return false;
  new Uint8Array(koffi.view(engine, NO_EXIT_REQUEST_OFFSET + 1))[NO_EXIT_REQUEST_OFFSET] = 1;
  return true;
}
