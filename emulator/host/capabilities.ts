// The host process's effective capabilities (from /proc/self/status, read
// once). dsu running as root is not always all-powerful: a container may
// withhold some (CAP_SYS_RESOURCE commonly), and a privileged guest may
// do only what dsu itself can, as a root process in that container could.
import fs from 'node:fs';

export const CAP_SYS_NICE = 23;
export const CAP_SYS_RESOURCE = 24;

let effective: bigint | null = null;

/** Whether this host process holds capability `cap` (all of them when /proc says nothing). */
export function hostHasCapability(cap: number): boolean {
  if (effective === null) {
    try {
      const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
      effective = m ? BigInt('0x' + m[1]) : -1n;
    } catch {
      effective = -1n;
    }
  }
  return effective === -1n || ((effective >> BigInt(cap)) & 1n) === 1n;
}
