// dsu's own reserve of host descriptors. Every guest descriptor that is a
// host object costs dsu a host descriptor, and dsu needs some of its own
// (the control channel, patch and debug files it reads, /proc reads): a
// guest that opened every descriptor it may have must not leave dsu none.
//
// When dsu may raise its own limit (root, or a hard limit above the soft
// one), it raises it by the reserve instead, so the guest is given exactly
// the limit it would have natively; otherwise the guest's limit is lower.
//
// Two ceilings below the host's RLIMIT_NOFILE (which Node raises to the
// hard limit at start-up) keep a reserve free:
// - the guest's RLIMIT_NOFILE is at most `guestCeiling`, so its descriptor
//   table, where most host descriptors come from, stays below it;
// - a host descriptor made for the guest whose number reaches
//   `hostCeiling` is refused (EMFILE, or the call's own "no room" error).
//   The host hands out the lowest free number, so such a number means the
//   host's table is full up to there: this catches host descriptors that
//   are not in the guest's table (file mappings kept after close, epoll's
//   duplicates, the IPv4 half of a dual-stack listener).
import fs from 'node:fs';
import { hostRlimit, setHostRlimit } from './clock.js';

const RLIMIT_NOFILE = 7;
/** Descriptors kept for dsu: between these, an eighth of the host's limit. */
const MIN_RESERVE = 64;
const MAX_RESERVE = 512;

export interface FdBudget {
  /** The highest RLIMIT_NOFILE the guest is given (also its hard limit). */
  guestCeiling: number;
  /** Host descriptor numbers at or above this are not given to the guest. */
  hostCeiling: number;
}

let budget: FdBudget | null = null;

/** The kernel's ceiling for any process's RLIMIT_NOFILE (fs.nr_open). */
function nrOpen(): number {
  try {
    return Number(fs.readFileSync('/proc/sys/fs/nr_open', 'utf8').trim()) || 1 << 20;
  } catch {
    return 1 << 20;
  }
}

/** The budget, computed once from dsu's own descriptor limit. */
export function fdBudget(): FdBudget {
  if (budget) return budget;
  const lim = hostRlimit(RLIMIT_NOFILE);
  // an unlimited or unreadable limit: the kernel's own ceiling
  const ceiling = nrOpen();
  const host = typeof lim === 'number' || lim[0] > BigInt(ceiling) ? ceiling : Number(lim[0]);
  const reserve = Math.max(MIN_RESERVE, Math.min(MAX_RESERVE, Math.floor(host / 8)));
  // room above the guest's limit for the reserve: the guest keeps all of `host`
  if (host + reserve <= ceiling && setHostRlimit(RLIMIT_NOFILE, BigInt(host + reserve), BigInt(host + reserve)) === 0) {
    budget = { guestCeiling: host, hostCeiling: host + Math.floor(reserve / 2) };
    return budget;
  }
  budget = {
    guestCeiling: Math.max(host - reserve, 3),
    hostCeiling: Math.max(host - Math.floor(reserve / 2), 3),
  };
  return budget;
}

/** Whether host descriptor `fd`, made on the guest's behalf, leaves dsu its reserve. */
export function withinFdBudget(fd: number): boolean {
  return fd < fdBudget().hostCeiling;
}
