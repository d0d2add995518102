// Preemption: while the guest runs (the main thread is inside uc_emu_start),
// a worker thread stops the engine once a slice has lasted `quantumMs`, so
// the host's event loop gets a turn at least that often. Stopping is only
// safe with the engine fix that keeps exit checks at block starts. One
// watchdog serves every engine of a session (each guest process has one):
// a slice says which engine it runs, and only one runs at a time. An
// engine it may have been told of is never freed while it runs (see
// machine-pool.ts); a stop that lands on an idle engine is cleared by the
// next uc_emu_start.
//
// The main thread only stores to shared words around a slice (its start
// time, a generation number, running or not). Waking the worker with
// Atomics.notify twice per slice cost 30-300 µs of the main thread's time
// per slice under a server's load: V8's futex emulation takes a global mutex
// that the woken worker holds. Instead the worker looks every half quantum
// and, when a slice is running, sleeps until that slice's deadline; after a
// stretch of idle looks it parks, and only then does a slice notify it.
//
// The worker loads koffi (to call uc_emu_stop) only when a slice first
// outlives its quantum. A short program never needs it and then does not
// wait for the worker at exit: a worker that has not loaded koffi (and never
// will, once close() has claimed the slot) cannot touch the engine, so it is
// terminated without waiting.
import { Worker } from 'node:worker_threads';

const STATE = 0;
const GENERATION = 1;
const QUANTUM = 2;
const PARKED = 3;
const TICK = 4;
/** 0: koffi not loaded; 1: the worker has claimed it (loading or loaded); -1: closed before that. */
const STOPPER = 5;
/** Float64 index of the running slice's start (process.hrtime, ms); Int32 slots 6 and 7. */
const STARTED = 3;
/** BigInt64 index of the running slice's engine. */
const ENGINE = 4;
const IDLE = 0;
const RUNNING = 1;
const QUIT = 2;
/** Idle time after which the worker parks until the next slice. */
const PARK_AFTER_MS = 50;

// Plain JavaScript so it runs the same from TypeScript sources and from dist/.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const shared = new Int32Array(workerData.shared);
let stop = null;
function loadStop() {
  if (Atomics.compareExchange(shared, ${STOPPER}, 0, 1) !== 0) return false;
  const koffi = require(workerData.koffi);
  let lib;
  for (const name of ['libunicorn.so.2', 'libunicorn.so']) { try { lib = koffi.load(name); break; } catch {} }
  stop = lib.func('int uc_emu_stop(uint64_t uc)');
  return true;
}
const started = new Float64Array(workerData.shared);
const engines = new BigInt64Array(workerData.shared);
const quantum = Atomics.load(shared, ${QUANTUM});
const look = quantum / 2;
const parkAfter = Math.ceil(${PARK_AFTER_MS} / look);
const now = () => { const [s, ns] = process.hrtime(); return s * 1e3 + ns / 1e6; };
let seen = -1;
let idleLooks = 0;
for (;;) {
  const state = Atomics.load(shared, ${STATE});
  if (state === ${QUIT}) break;
  const generation = Atomics.load(shared, ${GENERATION});
  let sleep = look;
  if (state === ${RUNNING}) {
    idleLooks = 0;
    const left = started[${STARTED}] + quantum - now();
    if (left > 0) sleep = left;
    else if (stop === null) {
      // the first overdue slice: load koffi, then look again (the slice may have ended meanwhile)
      if (!loadStop()) break;
      continue;
    } else if (Atomics.load(shared, ${GENERATION}) === generation) stop(Atomics.load(engines, ${ENGINE}));
  } else if (generation !== seen) {
    seen = generation;
    idleLooks = 0;
  } else if (++idleLooks >= parkAfter) {
    Atomics.store(shared, ${PARKED}, 1);
    Atomics.wait(shared, ${STATE}, ${IDLE});
    Atomics.store(shared, ${PARKED}, 0);
    continue;
  }
  Atomics.wait(shared, ${TICK}, 0, sleep);
}
`;

function hrtimeMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

export class Watchdog {
  private readonly shared = new Int32Array(new SharedArrayBuffer(40));
  private readonly started = new Float64Array(this.shared.buffer);
  private readonly engine = new BigInt64Array(this.shared.buffer);
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(readonly quantumMs: number, koffiPath: string) {
    this.shared[QUANTUM] = Math.max(1, Math.round(quantumMs));
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { shared: this.shared.buffer, koffi: koffiPath },
      // a loop that barely allocates: without limits its isolate reserves a
      // 512 MiB code range, which counts under a host RLIMIT_AS
      resourceLimits: { codeRangeSizeMb: 16, maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 },
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.unref();
  }

  /** Call right before uc_emu_start of the engine at `engineAddress`. */
  armed(engineAddress: bigint): void {
    Atomics.store(this.engine, ENGINE, engineAddress);
    this.started[STARTED] = hrtimeMs();
    Atomics.add(this.shared, GENERATION, 1);
    Atomics.store(this.shared, STATE, RUNNING);
    // a worker that parked after checking STATE would miss this slice otherwise
    if (Atomics.load(this.shared, PARKED) === 1) Atomics.notify(this.shared, STATE);
  }

  /** Call right after uc_emu_start returns. */
  disarmed(): void {
    Atomics.store(this.shared, STATE, IDLE);
    Atomics.add(this.shared, GENERATION, 1);
  }

  /**
   * Stop the worker; it must not touch the engine after this returns. It is
   * asked to quit and leaves its loop by itself: terminate() while it is still
   * loading koffi (a short program can end that early) aborts the whole
   * process with a fatal napi_throw inside the addon.
   */
  async close(): Promise<void> {
    if (Atomics.compareExchange(this.shared, STOPPER, 0, -1) === 0) {
      // it never loaded koffi and now never will: it cannot reach the engine
      Atomics.store(this.shared, STATE, QUIT);
      void this.worker.terminate();
      return;
    }
    Atomics.store(this.shared, STATE, QUIT);
    Atomics.notify(this.shared, STATE);
    Atomics.notify(this.shared, TICK);
    this.worker.ref(); // keep the event loop alive until it is gone
    await this.exited;
  }
}
