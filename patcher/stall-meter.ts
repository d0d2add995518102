// How long the guest could not run while a patch was being applied. The
// guest, its I/O and the patcher share one thread: while a step of the
// patcher computes, nothing else runs, and clients see the server stop
// answering, although the program is not "paused". The pause proper (the
// program held at a safe point) is measured apart. A 1 ms timer runs from
// the command's arrival until the new code is live: every gap between two
// of its turns beyond the interval is time this thread was busy with
// something else (the patcher, or a guest slice, which never lasts much
// longer than the preemption quantum).

const INTERVAL_MS = 1;

export interface GuestStall {
  /** The longest stretch in which the guest could not run: a block of the thread, or the pause, whichever was longer. */
  longestMs: number;
  /** All blocks of the thread added up, plus the pause (the total time the guest could not run, about). */
  totalMs: number;
}

export class StallMeter {
  private last = performance.now();
  private longest = 0;
  private total = 0;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => this.tick(), INTERVAL_MS);
  }

  private tick(): void {
    const now = performance.now();
    const blocked = now - this.last - INTERVAL_MS;
    this.last = now;
    // timer slack of a fraction of a millisecond is not a stall
    if (blocked < INTERVAL_MS) return;
    this.longest = Math.max(this.longest, blocked);
    this.total += blocked;
  }

  /** Stop measuring (at the moment the new code is live); `pauseMs` is the program's hold. */
  finish(pauseMs: number): GuestStall {
    this.tick();
    clearInterval(this.timer);
    return { longestMs: Math.max(this.longest, pauseMs), totalMs: this.total + pauseMs };
  }

  /** Stop measuring without a result (the patch failed). */
  cancel(): void {
    clearInterval(this.timer);
  }
}
