// RLIMIT_AS and RLIMIT_DATA, checked before the address space grows (the
// kernel's may_expand_vm): all mappings count toward AS; private writable
// mappings other than the stack, and the heap, toward DATA. Growth past
// either soft limit fails with ENOMEM.
import { PROT_WRITE, Region } from '../memory/address-space.js';
import { currentLimit, RLIM_INFINITY } from './limits.js';
import type { SyscallContext } from './types.js';

const RLIMIT_DATA = 2;
const RLIMIT_AS = 9;

const counts = (r: Region): boolean => r.kind !== 'reserved';
const isData = (r: Region): boolean => counts(r) && (r.prot & PROT_WRITE) !== 0 && !r.shared && r.kind !== 'stack' && r.name !== '[stack]';

function mappedIn(ctx: SyscallContext, start: number, end: number, which: (r: Region) => boolean): number {
  let n = 0;
  for (const r of ctx.proc.space.regions) {
    if (r.end <= start || r.start >= end || !which(r)) continue;
    n += Math.min(end, r.end) - Math.max(start, r.start);
  }
  return n;
}

/** The soft limit, or null when there is none (the usual case: nothing to count). */
function softLimit(ctx: SyscallContext, resource: number): number | null {
  const soft = currentLimit(ctx, resource)[0];
  return soft >= RLIM_INFINITY ? null : Number(soft);
}

/**
 * May [start, start+length) become a mapping (replacing what is there now),
 * `data` telling whether it counts as data?
 */
export function mayMap(ctx: SyscallContext, start: number, length: number, data: boolean): boolean {
  const end = start + length;
  const as = softLimit(ctx, RLIMIT_AS);
  if (as !== null && mappedIn(ctx, 0, 2 ** 32, counts) - mappedIn(ctx, start, end, counts) + length > as) return false;
  const dataLimit = data ? softLimit(ctx, RLIMIT_DATA) : null;
  if (dataLimit !== null && mappedIn(ctx, 0, 2 ** 32, isData) - mappedIn(ctx, start, end, isData) + length > dataLimit) return false;
  return true;
}

/** Whether a private writable mapping with these flags counts as data. */
export function countsAsData(prot: number, shared: boolean, stack: boolean): boolean {
  return (prot & PROT_WRITE) !== 0 && !shared && !stack;
}
