// Preemption: while the guest runs (the main thread is inside uc_emu_start),
// a worker thread stops the engine once a slice has lasted `quantumMs`, so
// the host's event loop gets a turn at least that often. Stopping is only
// safe with the engine fix that keeps exit checks at block starts.
import { Worker } from 'node:worker_threads';

const STATE = 0;
const GENERATION = 1;
const QUANTUM = 2;
const IDLE = 0;
const RUNNING = 1;
const QUIT = 2;

// Plain JavaScript so it runs the same from TypeScript sources and from dist/.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const koffi = require(workerData.koffi);
let lib;
for (const name of ['libunicorn.so.2', 'libunicorn.so']) { try { lib = koffi.load(name); break; } catch {} }
const stop = lib.func('int uc_emu_stop(uint64_t uc)');
const shared = new Int32Array(workerData.shared);
const engine = BigInt(workerData.engine);
for (;;) {
  Atomics.wait(shared, ${STATE}, ${IDLE});
  const state = Atomics.load(shared, ${STATE});
  if (state === ${QUIT}) break;
  const generation = Atomics.load(shared, ${GENERATION});
  const outcome = Atomics.wait(shared, ${GENERATION}, generation, Atomics.load(shared, ${QUANTUM}));
  if (outcome === 'timed-out' && Atomics.load(shared, ${STATE}) === ${RUNNING} &&
      Atomics.load(shared, ${GENERATION}) === generation) {
    stop(engine);
  }
}
`;

export class Watchdog {
  private readonly shared = new Int32Array(new SharedArrayBuffer(16));
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(engineAddress: bigint, quantumMs: number, koffiPath: string) {
    this.shared[QUANTUM] = Math.max(1, Math.round(quantumMs));
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { shared: this.shared.buffer, engine: engineAddress.toString(), koffi: koffiPath },
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.unref();
  }

  /** Call right before uc_emu_start. */
  armed(): void {
    Atomics.add(this.shared, GENERATION, 1);
    Atomics.store(this.shared, STATE, RUNNING);
    Atomics.notify(this.shared, STATE);
  }

  /** Call right after uc_emu_start returns. */
  disarmed(): void {
    Atomics.store(this.shared, STATE, IDLE);
    Atomics.add(this.shared, GENERATION, 1);
    Atomics.notify(this.shared, GENERATION);
  }

  /**
   * Stop the worker; it must not touch the engine after this returns. It is
   * asked to quit and leaves its loop by itself: terminate() while it is still
   * loading koffi (a short program can end that early) aborts the whole
   * process with a fatal napi_throw inside the addon.
   */
  async close(): Promise<void> {
    Atomics.store(this.shared, STATE, QUIT);
    Atomics.notify(this.shared, STATE);
    Atomics.add(this.shared, GENERATION, 1);
    Atomics.notify(this.shared, GENERATION);
    this.worker.ref(); // keep the event loop alive until it is gone
    await this.exited;
  }
}
