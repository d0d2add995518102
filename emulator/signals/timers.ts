// Timers that send signals: the three interval timers (setitimer, alarm)
// and POSIX timers (timer_create). Expiry is an absolute time on the timer's
// clock; a Node timer wakes the host when it may have come, so a waiting
// guest keeps the host idle.
import type { Process } from '../process.js';
import type { Nanos, TimerSetting } from '../abi/time.js';

export type ClockReader = () => Nanos;

/** Node clamps longer delays to 1 ms; longer waits are done in steps. */
const MAX_DELAY_MS = 0x7fffffff;

export class SignalTimer {
  private expiry: Nanos | null = null;
  private interval = 0n;
  private handle: NodeJS.Timeout | null = null;
  /** Expirations missed before the last signal was sent (timer_getoverrun). */
  overrun = 0;

  constructor(
    private readonly clock: ClockReader,
    /** Sends the signal; `overrun` counts the periods that passed unnoticed. */
    private readonly fire: (overrun: number) => void,
  ) {}

  /** Time left and period; a timer about to fire reports 1 µs, never 0 (0 means disarmed). */
  get(): TimerSetting {
    if (this.expiry === null) return { interval: this.interval, value: 0n };
    const left = this.expiry - this.clock();
    return { interval: this.interval, value: left > 0n ? left : 1000n };
  }

  /** Arm (or disarm with a zero value); `absolute` values are times on the clock. Returns the old setting. */
  set(s: TimerSetting, absolute = false): TimerSetting {
    const old = this.get();
    this.cancel();
    // a disarmed timer keeps no period
    this.interval = s.value === 0n ? 0n : s.interval;
    if (s.value === 0n) return old;
    this.expiry = absolute ? s.value : this.clock() + s.value;
    this.arm();
    return old;
  }

  cancel(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = null;
    this.expiry = null;
  }

  private arm(): void {
    const left = this.expiry! - this.clock();
    const ms = left <= 0n ? 0 : Math.min(MAX_DELAY_MS, Math.ceil(Number(left) / 1e6));
    this.handle = setTimeout(() => this.expire(), ms);
  }

  private expire(): void {
    this.handle = null;
    const now = this.clock();
    if (this.expiry === null) return;
    if (now < this.expiry) {
      // woke early (long delay done in steps, or a CPU-time clock behind the wall clock)
      this.arm();
      return;
    }
    let missed = 0;
    if (this.interval > 0n) {
      const periods = (now - this.expiry) / this.interval;
      missed = Number(periods);
      this.expiry += (periods + 1n) * this.interval;
      this.arm();
    } else {
      this.expiry = null;
    }
    this.overrun = missed;
    this.fire(missed);
  }
}

export interface PosixTimer {
  timer: SignalTimer;
  clockId: number;
}

export class ProcessTimers {
  /** ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF; created on first use. */
  readonly itimers: (SignalTimer | null)[] = [null, null, null];
  readonly posix = new Map<number, PosixTimer>();

  stopAll(): void {
    for (const t of this.itimers) t?.cancel();
    for (const p of this.posix.values()) p.timer.cancel();
    this.posix.clear();
  }

  /** Lowest free POSIX timer id, as the kernel hands them out. */
  freeId(): number {
    let id = 0;
    while (this.posix.has(id)) id++;
    return id;
  }
}

// Process has no slot for timers; they are attached here, keyed weakly so
// they go away with the process.
const attached = new WeakMap<Process, ProcessTimers>();

export function timersOf(proc: Process): ProcessTimers {
  let t = attached.get(proc);
  if (!t) {
    t = new ProcessTimers();
    attached.set(proc, t);
  }
  return t;
}

/** At exit: no timer may fire (or keep the host alive) afterwards. */
export function stopTimers(proc: Process): void {
  attached.get(proc)?.stopAll();
}
