// The benchmark kernels in c-samples/bench/ and their sizes. Sizes at scale 1
// make each run take roughly 0.5-2 s under dsu on a 2020s x86-64 server;
// --scale multiplies the work (not the argument) of every kernel.
import { Case } from './matrix.js';
import { Variant, sample } from './paths.js';

function count(base: number, scale: number): string {
  return String(Math.max(1, Math.round(base * scale)));
}

/** Syscall loop sizes: the per-call cost is the time difference over the count difference. */
export function syscallSizes(scale: number): { n1: number; n2: number; empty1: number; empty2: number } {
  const n = (base: number): number => Number(count(base, scale));
  return { n1: n(200_000), n2: n(2_000_000), empty1: n(4_000_000), empty2: n(40_000_000) };
}

/** Matrix side grows with the cube root of the scale: the multiply is O(N^3). */
function side(scale: number): string {
  return String(Math.max(2, Math.round(300 * Math.cbrt(scale))));
}

/** The main kernels (not the single phases), which also get a peak-RSS run natively and under qemu-i386. */
export const RSS_KERNELS = new Set(['startup', 'compute', 'memory', 'syscall']);

export function kernelCase(id: string, name: string, variant: Variant, args: string[]): Case {
  return { id, program: sample('bench', name, variant), args };
}

export const startupCase = (v: Variant): Case => kernelCase('startup', 'startup', v, []);
export const computeCase = (v: Variant, scale: number): Case => kernelCase('compute', 'compute', v, [count(150, scale)]);
export const memoryCase = (v: Variant, scale: number): Case => kernelCase('memory', 'memory', v, [side(scale), count(32, scale)]);

/** Each half of the mixed kernels alone, to attribute the time. */
export function phaseCases(v: Variant, scale: number): Case[] {
  return [
    kernelCase('compute:hash', 'compute', v, [count(150, scale), 'hash']),
    kernelCase('compute:collatz', 'compute', v, [count(300, scale), 'collatz']),
    kernelCase('memory:matmul', 'memory', v, [side(scale), '0']),
    kernelCase('memory:sieve', 'memory', v, ['0', count(32, scale)]),
  ];
}

export function syscallCases(v: Variant, scale: number): { n1: Case; n2: Case; empty1: Case; empty2: Case } {
  const s = syscallSizes(scale);
  return {
    n1: kernelCase('syscall-n1', 'syscall', v, ['getppid', String(s.n1)]),
    n2: kernelCase('syscall', 'syscall', v, ['getppid', String(s.n2)]),
    empty1: kernelCase('empty-n1', 'syscall', v, ['empty', String(s.empty1)]),
    empty2: kernelCase('empty-n2', 'syscall', v, ['empty', String(s.empty2)]),
  };
}
