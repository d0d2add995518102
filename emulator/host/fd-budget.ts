// dsu's own reserve of host descriptors. Every guest descriptor that is a
// host object costs dsu a host descriptor, and dsu needs some of its own
// (the control channel, patch and debug files it reads, /proc reads): a
// guest that opened every descriptor it may have must not leave dsu none.
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
import { hostRlimit } from './clock.js';

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

/** The budget, computed once from dsu's own descriptor limit. */
export function fdBudget(): FdBudget {
  if (budget) return budget;
  const lim = hostRlimit(RLIMIT_NOFILE);
  // an unlimited or unreadable limit: the kernel's own ceiling (fs.nr_open)
  const host = typeof lim === 'number' || lim[0] > 1n << 20n ? 1 << 20 : Number(lim[0]);
  const reserve = Math.max(MIN_RESERVE, Math.min(MAX_RESERVE, Math.floor(host / 8)));
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
