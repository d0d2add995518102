// Dropping the emulated CPU's cached address translations. Unicorn 2.0.1
// has no API for it, and writing CR3 through uc_reg_write only stores the
// value: after the guest's page tables change (munmap, mprotect, a patch's
// write journal) a page the guest had already touched stayed writable or
// mapped. We call the library's own tlb_flush on uc->cpu, after checking
// that uc_emu_stop reads uc->cpu at the offset we use; on any other build
// there is no flush and the caller falls back to flushing translated code.
import koffi from 'koffi';
import { librarySymbol } from '../host/native.js';


/** In uc_emu_stop: mov 0x180(%rdi),%rdi — the load of uc->cpu. */
const CPU_LOAD = [0x48, 0x8b, 0xbf, 0x80, 0x01, 0x00, 0x00];
const CPU_LOAD_AT = 0x1d;
const UC_CPU_OFFSET = 0x180;

const TlbFlushProto = koffi.proto('void DsuTlbFlush(uint64_t cpu)');
let flushFn: ((cpu: bigint) => void) | null | undefined;

function resolve(): ((cpu: bigint) => void) | null {
  if (flushFn !== undefined) return flushFn;
  flushFn = null;
  const stop = librarySymbol('libunicorn.so.2', 'uc_emu_stop');
  const flush = librarySymbol('libunicorn.so.2', 'tlb_flush_x86_64');
  if (stop === null || flush === null) return null;
  const code = new Uint8Array(koffi.view(stop, CPU_LOAD_AT + CPU_LOAD.length));
  if (!CPU_LOAD.every((b, i) => code[CPU_LOAD_AT + i] === b)) return null;
  flushFn = (cpu) => koffi.call(flush, TlbFlushProto, cpu);
  return flushFn;
}

/** A function that flushes this engine's TLB, or null when this Unicorn build is not the one we know. */
export function tlbFlusher(engine: unknown): (() => void) | null {
  const flush = resolve();
  if (!flush) return null;
  const cpuSlot = new BigUint64Array(koffi.view(engine, UC_CPU_OFFSET + 8), UC_CPU_OFFSET, 1);
  return () => {
    const cpu = cpuSlot[0];
    if (cpu !== 0n) flush(cpu);
  };
}
