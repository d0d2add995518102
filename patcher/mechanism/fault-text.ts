// A fault inside guest code the patcher ran, named for the user.
import type { Session } from '../../emulator/launch.js';
import { signalName, type CpuFault } from '../../emulator/faults/fault.js';
import { ModuleCache, describeLocation } from '../../loader/symbols/modules.js';
import { guestModules } from '../../emulator/faults/guest-modules.js';

export function describeFault(session: Session, fault: CpuFault): string {
  let where = `0x${(fault.eip >>> 0).toString(16)}`;
  try {
    where += ` in ${describeLocation(guestModules(session.proc, new ModuleCache()).locate(fault.eip))}`;
  } catch {
    // symbolization is best effort
  }
  const address = fault.vector === 14 ? ` at address 0x${(fault.address >>> 0).toString(16)}` : '';
  return `${signalName(fault.signal)} (${fault.cause}${address}) at ${where}`;
}
