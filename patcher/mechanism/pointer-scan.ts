// Does anything in the running program still point into a range of memory?
// A conservative scan, like a garbage collector's: the registers, the signal
// handlers dsu keeps for the guest, and every aligned word of the guest's
// data (its stack from the stack pointer up, heap, static data, other
// objects' GOTs), read both as a plain pointer and as a pointer glibc
// mangled (PTR_MANGLE: atexit handlers, jmp_bufs). Read-only memory is not
// scanned: code holds only the jumps the patcher wrote and tracks itself, and
// the GOT slots a program made read-only (RELRO) are rewritten by the patcher
// to the newest version, never left pointing at a superseded one.
import type { Process } from '../../emulator/process.js';
import { Reg } from '../../emulator/engine/unicorn-consts.js';
import { PROT_READ, PROT_WRITE } from '../../emulator/memory/address-space.js';
import { TLS_FIRST } from '../../emulator/engine/descriptors.js';

export interface Range {
  start: number;
  end: number;
}

const GPRS: [string, number][] = (['EAX', 'EBX', 'ECX', 'EDX', 'ESI', 'EDI', 'EBP', 'ESP', 'EIP'] as const).map((n) => [n, Reg[n]]);
/** Offset of pointer_guard in glibc's i386 thread control block (tcbhead_t). */
const POINTER_GUARD = 0x18;

/** Base of the segment GS selects (the thread's TLS block), or null. */
function gsBase(proc: Process): number | null {
  const index = proc.machine.cpu.reg(Reg.GS) >>> 3;
  const words = proc.mainThread.tls[index - TLS_FIRST];
  if (!words) return null;
  const [lo, hi] = words;
  return ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) >>> 0;
}

function pointerGuard(proc: Process): number | null {
  const base = gsBase(proc);
  if (base === null || !proc.space.isAccessible(base + POINTER_GUARD, 4, PROT_READ)) return null;
  return proc.space.memory.view.getUint32(base + POINTER_GUARD, true);
}

const demangle = (w: number, guard: number): number => (((w >>> 9) | (w << 23)) ^ guard) >>> 0;

/**
 * For each range, a description of one reference to it (where it was found),
 * or null when nothing points into it. `exclude` lists memory not to scan
 * (the ranges' own objects).
 */
export function findReferences(
  proc: Process,
  ranges: readonly Range[],
  exclude: readonly Range[],
  ignore: (at: number, value: number) => boolean = () => false,
): (string | null)[] {
  const found: (string | null)[] = ranges.map(() => null);
  let left = ranges.length;
  const hit = (value: number): number => {
    for (let i = 0; i < ranges.length; i++) if (value >= ranges[i].start && value < ranges[i].end) return i;
    return -1;
  };
  const note = (i: number, where: string): void => {
    if (i < 0 || found[i] !== null) return;
    found[i] = where;
    left--;
  };
  const cpu = proc.machine.cpu;
  for (const [name, id] of GPRS) note(hit(cpu.reg(id) >>> 0), `register ${name}`);
  proc.signalActions.forEach((a, sig) => {
    note(hit(a.handler >>> 0), `the handler of signal ${sig}`);
    note(hit(a.restorer >>> 0), `the restorer of signal ${sig}`);
  });
  if (left === 0) return found;

  const guard = pointerGuard(proc);
  const lo = Math.min(...ranges.map((r) => r.start));
  const hi = Math.max(...ranges.map((r) => r.end));
  const bytes = proc.space.memory.bytes;
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 4));
  const esp = cpu.reg(Reg.ESP) >>> 0;
  for (const region of proc.space.regions) {
    if (left === 0) break;
    if (region.kind === 'reserved' || (region.prot & (PROT_READ | PROT_WRITE)) !== (PROT_READ | PROT_WRITE)) continue;
    if (exclude.some((x) => region.start < x.end && x.start < region.end)) continue;
    // below the stack pointer is dead stack: stale return addresses would pin code forever
    const from = region.start <= esp && esp < region.end ? esp - (esp % 4) : region.start;
    for (let w = from >>> 2, end = region.end >>> 2; w < end; w++) {
      const v = words[w];
      if (v >= lo && v < hi && !ignore(w * 4, v)) note(hit(v), `${region.name} at 0x${(w * 4).toString(16)}`);
      if (guard !== null) {
        const d = demangle(v, guard);
        if (d >= lo && d < hi) note(hit(d), `a mangled pointer in ${region.name} at 0x${(w * 4).toString(16)}`);
      }
    }
  }
  return found;
}
