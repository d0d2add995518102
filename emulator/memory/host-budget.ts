// dsu under a host RLIMIT_AS (`ulimit -v`). The kernel counts every mapping
// of the process against it: dsu's own (Node's binary and heap, V8's code
// range of about 512 MiB per isolate, thread stacks and malloc arenas, the
// CPU emulator's translation buffer) and the guest's. The guest's memory is
// then made of host pages mapped only as the guest maps (HostMemory's sparse
// mode), and it may take what the limit leaves once dsu keeps room to grow:
// a guest that used up the limit would leave Node unable to allocate, and
// V8 aborts the whole process when that happens.
import fs from 'node:fs';
import { hostRlimit } from '../host/clock.js';

const RLIMIT_AS = 9;
const PAGE = 4096;
const MiB = 2 ** 20;
const GiB = 2 ** 30;

/**
 * Unicorn 2.0.1 maps its translated-code buffer (1 GiB) when the engine is
 * first used, with no API to make it smaller, and ends the process if the
 * host refuses it.
 */
const ENGINE_CODE_BUFFER = GiB;
/** The rest of dsu's start after the check: the watchdog thread's isolate, page tables, thread arenas. */
const STARTUP_GROWTH = 128 * MiB;
/** Address space dsu keeps for its own growth while the guest runs (V8 heap, arenas, patches it loads). */
const DSU_GROWTH = 512 * MiB;
/** Below this much for the guest, dsu does not start: even a static hello world needs its image, stack and heap. */
const MIN_GUEST = 64 * MiB;
/** Added to the limit dsu advises: Node's own use varies between runs and with the limit. */
const SLACK = 128 * MiB;
/** What V8 reserves for one WebAssembly memory (the fault reports' disassembler). */
const WASM_MEMORY_RESERVATION = 10 * GiB;

/** The host's soft RLIMIT_AS in bytes, or null when there is none. */
function hostAddressLimit(): number | null {
  const lim = hostRlimit(RLIMIT_AS);
  if (typeof lim === 'number' || lim[0] >= 1n << 62n) return null;
  return Number(lim[0]);
}

/** Bytes of address space this process maps now (what the kernel checks against RLIMIT_AS). */
function hostAddressUsed(): number {
  try {
    return Number(fs.readFileSync('/proc/self/statm', 'utf8').split(' ')[0]) * PAGE;
  } catch {
    return 0; // no /proc: the host's mmap still refuses what passes the limit
  }
}

/** Guest bytes mapped now in every machine's memory of this dsu process (sparse mode only). */
let guestMapped = 0;
/** How many guest bytes may be mapped at once, all machines together; Infinity without a limit. */
let guestBudget = Infinity;

/**
 * Fix the guests' share of the host's limit, after a machine's engine was
 * made (each engine maps its own translation buffer): what the limit leaves
 * beside what dsu maps itself, less what it keeps to finish starting and to
 * grow. Fixed between engines, so that a guest can always have back what it
 * gave back, as natively. False when there is no limit (no accounting).
 */
export function refreshGuestBudget(): boolean {
  const limit = hostAddressLimit();
  if (limit === null) return false;
  const dsuOwn = hostAddressUsed() - guestMapped;
  guestBudget = Math.max(0, limit - dsuOwn - STARTUP_GROWTH - DSU_GROWTH);
  return true;
}

/** Count `bytes` more of guest memory; false (nothing counted) past the guests' share. */
export function takeGuestMemory(bytes: number): boolean {
  if (guestMapped + bytes > guestBudget) return false;
  guestMapped += bytes;
  return true;
}

export function giveBackGuestMemory(bytes: number): void {
  guestMapped = Math.max(0, guestMapped - bytes);
}

/**
 * Why another engine (a forked or spawned process's) cannot be made under
 * the host's limit, or null when it can: Unicorn would end the whole dsu
 * process when the host refuses the engine's buffer.
 */
export function noRoomForEngine(): string | null {
  const limit = hostAddressLimit();
  if (limit === null || hostAddressUsed() + ENGINE_CODE_BUFFER + DSU_GROWTH <= limit) return null;
  return `under the host's address-space limit (ulimit -v ${Math.ceil(limit / 1024)}) there is no room for another process: ` +
    `each needs ${ENGINE_CODE_BUFFER / MiB} MiB for the CPU emulator's translated code, in dsu's one host process`;
}

/**
 * Why dsu cannot start a program under the host's RLIMIT_AS, or null when it
 * can. Asked before the engine exists: the engine's buffer is yet to come.
 */
export function cannotStartUnderLimit(): string | null {
  const limit = hostAddressLimit();
  if (limit === null) return null;
  const used = hostAddressUsed();
  const needed = used + ENGINE_CODE_BUFFER + STARTUP_GROWTH + DSU_GROWTH + MIN_GUEST;
  if (needed <= limit) return null;
  const kib = (n: number): number => Math.ceil(n / 1024);
  // with slack for what varies from run to run (a thread's malloc arena is 64 MiB), in round figures
  const advised = Math.ceil(kib(needed + SLACK) / 100_000) * 100_000;
  return `the host's address-space limit (ulimit -v ${kib(limit)}) is too small for dsu: ` +
    `Node uses ${Math.round(used / MiB)} MiB, the CPU emulator needs ${ENGINE_CODE_BUFFER / MiB} MiB for translated code ` +
    `and the rest of dsu ${STARTUP_GROWTH / MiB} MiB to start, ` +
    `dsu keeps ${DSU_GROWTH / MiB} MiB to grow and the program needs at least ${MIN_GUEST / MiB} MiB; ` +
    `run it under ulimit -v ${advised} or more`;
}

/** Whether the disassembler's WebAssembly memory fits and still leaves the guest its whole 4 GiB. */
export function roomForWasm(): boolean {
  const limit = hostAddressLimit();
  if (limit === null) return true;
  return limit - hostAddressUsed() >= WASM_MEMORY_RESERVATION + ENGINE_CODE_BUFFER + DSU_GROWTH + 4 * GiB;
}

