// The one-line fault report, like the kernel's segfault log line.
import type { Process } from '../process.js';
import type { Thread } from '../thread.js';
import { CpuFault, signalName } from './fault.js';

const hex = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');

export function reportFault(proc: Process, fault: CpuFault, _thread: Thread): void {
  const where = fault.signal === 11 ? ` at address ${hex(fault.address)}` : '';
  proc.log.line(`dsu: ${proc.comm}: ${signalName(fault.signal)} (${fault.cause}${where}) at ${hex(fault.eip)}`);
}
