// Whether a guest process holds a capability: it must be privileged itself
// (effective uid 0; the guest's credentials are emulated) and dsu must hold
// the capability on the host, since dsu does the work.
import { hostHasCapability } from '../host/capabilities.js';
import type { Process } from '../process.js';

export { CAP_SYS_NICE, CAP_SYS_RESOURCE } from '../host/capabilities.js';

export function capable(proc: Process, cap: number): boolean {
  return proc.ids.euid === 0 && hostHasCapability(cap);
}
