// Corrections to Debian 12's Unicorn 2.0.1 (libunicorn2 2.0.1.post1),
// applied in memory after verifying the exact machine code they touch. On any
// other build nothing is changed and `fixes` says so: the emulator stays
// correct, only slower and without preemption.
//
// 1. Fast guest stores. 2.0.1 sends every store through the slow path meant
//    for pages holding translated code; code-writes.ts keeps that path for
//    those pages only, so stores to data are fast and a program that
//    rewrites its code (a JIT) still runs the new code.
// 2. Safe asynchronous stop. 2.0.1 emits an exit-request check after every
//    guest memory access; an exit taken there rewinds EIP to the start of the
//    block although part of it already ran (the "timeout resume" corruption).
//    Setting uc_struct.no_exit_request keeps only the check at block starts.
import koffi from 'koffi';
import { librarySymbol } from '../host/native.js';
import { replaceX87Helpers } from './x87-helpers.js';
import { correctX87Flags } from './x87-flags.js';
import { replaceX87Stores } from './x87-stores.js';
import { quietConvertedNans } from './x87-nan-conversions.js';
import { forbidPortIo } from './port-io.js';
import { trackCodeWrites } from './code-writes.js';
import { guardIntegerDivide } from './integer-divide.js';
import { useHostSse } from './sse-host.js';
import { correctBmi } from './bmi-fixes.js';

/** check_exit_request_x86_64 begins by testing uc->no_exit_request (offset 0x78a). */
const EXIT_CHECK_PROLOGUE = [0x48, 0x8b, 0x87, 0x70, 0x99, 0x00, 0x00, 0x80, 0xb8, 0x8a, 0x07, 0x00, 0x00, 0x00, 0x74];
const NO_EXIT_REQUEST_OFFSET = 0x78a;

export interface EngineFixes {
  /** 1. Stores to pages without translated code take the fast path (see code-writes.ts). */
  fastStores: boolean;
  safeStop: boolean;
  /** 3. x87 transcendentals, FSCALE, FXTRACT, FSQRT, FRNDINT, FXAM and the constants computed on the host FPU (see x87-helpers.ts). */
  exactX87: boolean;
  /** 3b. FIST(T)P to 16 bits, FISTTP to 32/64 bits and FBSTP stored by the host FPU (see x87-stores.ts). */
  x87Stores: boolean;
  /** 3c. Signalling NaNs converted to or from 80 bits come out quiet (see x87-nan-conversions.ts). */
  x87Nans: boolean;
  /** 4. x87 exception flags reported in the status word (see x87-flags.ts). */
  x87Flags: boolean;
  /** 5. Port I/O faults with #GP in user mode (see port-io.ts). */
  portIo: boolean;
  /** 6. An overflowing 32-bit idiv is the guest's divide error, not the host's (see integer-divide.ts). */
  safeDivide: boolean;
  /** 7. SSE floating point on the host's SSE unit: MXCSR flags and #XM (see sse-host.ts). */
  hostSse: boolean;
  /** 8. PDEP/PEXT/BEXTR/BZHI/BLSI as the CPU runs them (see bmi-fixes.ts); without it CPUID leaves out BMI1/BMI2. */
  bmi: boolean;
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
  applied = { fastStores: trackCodeWrites(notes), safeStop: exitCheckRecognised(notes), exactX87: replaceX87Helpers(notes), x87Stores: replaceX87Stores(notes), x87Nans: quietConvertedNans(notes), x87Flags: correctX87Flags(notes), portIo: forbidPortIo(notes), safeDivide: guardIntegerDivide(notes), hostSse: useHostSse(notes), bmi: correctBmi(notes), notes };
  return applied;
}

/** Per-engine part of fix 2: set uc->no_exit_request on a freshly opened engine. */
export function disableMidBlockExitChecks(engine: unknown): boolean {
  if (!engineFixes().safeStop) return false;
  new Uint8Array(koffi.view(engine, NO_EXIT_REQUEST_OFFSET + 1))[NO_EXIT_REQUEST_OFFSET] = 1;
  return true;
}
