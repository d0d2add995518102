// Futex wait queues: the threads waiting on each futex word, in arrival
// order, as the kernel's futex hash keeps them. A queue is keyed by a scope
// and an address: a private futex by its address space and virtual address;
// a shared one on a MAP_SHARED mapping by the file's identity and the
// offset (so processes mapping the same file meet on the same queue). The
// queues belong to the session, not to a process.
import fs from 'node:fs';
import type { Thread } from '../thread.js';
import type { AddressSpace } from '../memory/address-space.js';
import type { FileBacking } from '../memory/file-backing.js';

export interface FutexKey {
  /** The address space (private) or the backing file (shared). */
  scope: object;
  /** Virtual address (private) or offset in the file (shared). */
  offset: number;
}

/**
 * The queue of the futex word at `address` in a process's address space.
 * A word in a MAP_SHARED mapping (a file, or shared anonymous memory, which
 * lives in a memfd) is keyed by the host file's identity and the offset in
 * it, so processes mapping it meet on one queue wherever each has it
 * mapped; any other word by address space and address. The kernel keys a
 * FUTEX_PRIVATE word by address space even in shared memory; meeting on the
 * file's queue instead can only add wake-ups, which futex users allow.
 */
export function futexKey(space: AddressSpace, address: number): FutexKey {
  const r = space.regionAt(address >>> 0);
  if (r?.backing) return { scope: fileScope(r.backing), offset: r.offset + ((address >>> 0) - r.start) };
  return { scope: space, offset: address >>> 0 };
}

/** One object per host file (device and inode) that shared futexes are keyed by. */
const fileScopes = new Map<string, object>();

function fileScope(backing: FileBacking): object {
  let id: string;
  try {
    const st = fs.fstatSync(backing.hostFd, { bigint: true });
    id = `${st.dev}:${st.ino}`;
  } catch {
    return backing;
  }
  let scope = fileScopes.get(id);
  if (!scope) fileScopes.set(id, (scope = { file: id }));
  return scope;
}

export class FutexWaiter {
  /** Set by a wake (or a PI hand-over): the wait ends with success. */
  woken = false;
  /** Told when woken; null while the waiting thread is not armed. */
  notify: (() => void) | null = null;
  /** The queue it is on, or null once woken or gone. */
  key: FutexKey | null;

  constructor(
    readonly thread: Thread,
    key: FutexKey,
    /** FUTEX_WAIT_BITSET's mask (FUTEX_BITSET_MATCH_ANY for a plain wait). */
    readonly bitset: number,
  ) {
    this.key = key;
  }
}

export class FutexQueues {
  private readonly scopes = new WeakMap<object, Map<number, FutexWaiter[]>>();

  private queue(key: FutexKey, create: boolean): FutexWaiter[] | undefined {
    let byOffset = this.scopes.get(key.scope);
    if (!byOffset) {
      if (!create) return undefined;
      byOffset = new Map();
      this.scopes.set(key.scope, byOffset);
    }
    let q = byOffset.get(key.offset);
    if (!q && create) {
      q = [];
      byOffset.set(key.offset, q);
    }
    return q;
  }

  private drop(key: FutexKey, q: FutexWaiter[]): void {
    if (q.length === 0) this.scopes.get(key.scope)?.delete(key.offset);
  }

  enqueue(waiter: FutexWaiter): void {
    this.queue(waiter.key!, true)!.push(waiter);
  }

  /** Take a waiter off its queue (its wait ended some other way: timeout, signal, exit). */
  remove(waiter: FutexWaiter): void {
    const key = waiter.key;
    if (!key) return;
    waiter.key = null;
    const q = this.queue(key, false);
    if (!q) return;
    const i = q.indexOf(waiter);
    if (i >= 0) q.splice(i, 1);
    this.drop(key, q);
  }

  /** Waiters of `key`, oldest first (a copy). */
  waiters(key: FutexKey): FutexWaiter[] {
    return [...(this.queue(key, false) ?? [])];
  }

  /** Wake up to `count` waiters whose bitset meets `bitset`; returns how many. */
  wake(key: FutexKey, count: number, bitset = -1): number {
    const q = this.queue(key, false);
    if (!q) return 0;
    let n = 0;
    for (let i = 0; i < q.length && n < count;) {
      const w = q[i];
      if ((w.bitset & bitset) === 0) {
        i++;
        continue;
      }
      q.splice(i, 1);
      this.wakeOne(w);
      n++;
    }
    this.drop(key, q);
    return n;
  }

  /** Mark a waiter (already off its queue, or taken off here) woken and tell it. */
  wakeOne(w: FutexWaiter): void {
    if (w.key) {
      const q = this.queue(w.key, false);
      const i = q ? q.indexOf(w) : -1;
      if (q && i >= 0) {
        q.splice(i, 1);
        this.drop(w.key, q);
      }
    }
    w.key = null;
    w.woken = true;
    w.notify?.();
  }

  /**
   * Wake up to `wakeCount` waiters of `from`, then move up to `moveCount` of
   * the rest to `to` (FUTEX_REQUEUE). Returns [woken, moved].
   */
  requeue(from: FutexKey, to: FutexKey, wakeCount: number, moveCount: number): [number, number] {
    const woken = this.wake(from, wakeCount);
    const q = this.queue(from, false);
    if (!q || moveCount <= 0) return [woken, 0];
    const moving = q.splice(0, moveCount);
    this.drop(from, q);
    const target = this.queue(to, true)!;
    for (const w of moving) {
      w.key = to;
      target.push(w);
    }
    return [woken, moving.length];
  }
}
