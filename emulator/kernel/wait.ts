// Blocking: a syscall that cannot finish now returns a Blocked value saying
// what to wait for. The runner stops the guest, arms the wait, and when it is
// woken it calls the same handler again with the same arguments.

/** Start waiting; call `wake` when the syscall should be retried. Returns a cancel function. */
export type Arm = (wake: () => void) => () => void;

export class Blocked {
  constructor(
    readonly arm: Arm,
    readonly what = 'wait',
    /**
     * Called when the syscall ends without completing: a signal handler
     * interrupts it, or its thread or process exits (a futex waiter leaves
     * its queue). Not called when the wait is only disarmed for a while.
     */
    readonly abandon?: () => void,
  ) {}
}

export interface Readiness {
  readable: boolean;
  writable: boolean;
  /** Peer closed / hang-up. */
  hangup: boolean;
  error: boolean;
}

export const NOT_READY: Readiness = { readable: false, writable: false, hangup: false, error: false };

/** Something whose readiness can change: pipes, sockets, terminals, epoll sets. */
export interface Pollable {
  readiness(): Readiness;
  /** Call `changed` whenever readiness may have changed. Returns an unsubscribe function. */
  subscribe(changed: () => void): () => void;
}

/** Wake on the first of several arms (readiness of many objects, plus a timeout). */
export function anyOf(...arms: Arm[]): Arm {
  return (wake) => {
    let done = false;
    const cancels: (() => void)[] = [];
    const once = (): void => {
      if (done) return;
      done = true;
      for (const c of cancels) c();
      wake();
    };
    for (const a of arms) cancels.push(a(once));
    if (done) for (const c of cancels) c();
    return () => {
      done = true;
      for (const c of cancels) c();
    };
  };
}

export function afterMs(ms: number): Arm {
  return (wake) => {
    const t = setTimeout(wake, Math.max(0, ms));
    return () => clearTimeout(t);
  };
}

export function whenChanged(p: Pollable): Arm {
  return (wake) => p.subscribe(wake);
}

/** A list of subscribers: the usual implementation of Pollable.subscribe. */
export class Subscribers {
  private readonly list = new Set<() => void>();
  add(fn: () => void): () => void {
    this.list.add(fn);
    return () => this.list.delete(fn);
  }
  notify(): void {
    for (const fn of [...this.list]) fn();
  }
  get size(): number {
    return this.list.size;
  }
}

/**
 * For syscalls that must not run inside the engine's interrupt hook
 * (making a Unicorn engine while another one is emulating breaks the new
 * one): the first call returns this, which wakes at once, and the runner
 * retries the syscall between slices, where the work is done.
 */
export function betweenSlices(state: Record<string, unknown>): Blocked | null {
  if (state.betweenSlices) return null;
  state.betweenSlices = true;
  return new Blocked(soon, 'between slices');
}

/** An arm that fires on the next turn of the event loop (an arm must not wake before it has returned). */
export function soon(wake: () => void): () => void {
  const t = setImmediate(wake);
  return () => clearImmediate(t);
}
