// The x87 status word as the guest reads it, for signal frames and
// sigreturn. Unicorn's softfloat keeps the exception flags of the x87
// arithmetic in its own status (fp_status.float_exception_flags) until an
// instruction that shows the status word moves them there (x87-flags.ts);
// the API's FPSW register is the bare word. Before a signal frame is built
// the flags are moved the same way (and ES|B set when one is unmasked), and
// when sigreturn loads a status word any still pending are dropped, as
// FRSTOR would. Offsets as in x87-flags.ts (fpus 0x240, fpuc 0x242, flags
// 0x2ea), used only once that correction recognised this build.
import type { Cpu } from './cpu.js';
import { engineFixes } from './engine-fixes.js';

const FPUS = 0x240;
const FPUC = 0x242;
const SOFTFLOAT_FLAGS = 0x2ea;
/** softfloat's invalid, divbyzero, overflow, underflow, inexact sit where the x87's IE ZE OE UE PE do. */
const SAME_PLACE = 0x3d;
const INPUT_DENORMAL = 0x40;
const DE = 0x02;
const ES_B = 0x8080;

function state(cpu: Cpu): DataView | null {
  return engineFixes().x87Flags ? cpu.stateView(SOFTFLOAT_FLAGS + 1) : null;
}

/** Move softfloat's pending x87 flags into the status word. */
export function settleX87Flags(cpu: Cpu): void {
  const v = state(cpu);
  if (v === null) return;
  const pending = v.getUint8(SOFTFLOAT_FLAGS);
  if (pending === 0) return;
  v.setUint8(SOFTFLOAT_FLAGS, 0);
  let fsw = v.getUint16(FPUS, true) | (pending & SAME_PLACE) | (pending & INPUT_DENORMAL ? DE : 0);
  if (fsw & ~v.getUint16(FPUC, true) & 0x3f) fsw |= ES_B;
  v.setUint16(FPUS, fsw, true);
}

/** Forget softfloat's pending x87 flags (the status word is being replaced). */
export function dropX87Flags(cpu: Cpu): void {
  const v = state(cpu);
  if (v !== null) v.setUint8(SOFTFLOAT_FLAGS, 0);
}
