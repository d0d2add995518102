// The x86-specific calls: modify_ldt (a process's local descriptor table,
// used by 16-bit and segment-using code: Wine, some JITs), and the port I/O
// and vm86 calls, which a sandboxed guest does not get.
import { EINVAL, ENOMEM, ENOSYS, EPERM } from '../abi/errno.js';
import { USER_DESC_SIZE, readUserDesc, userDescLongMode } from '../abi/user-desc.js';
import { descriptorFor, isEmptyDesc } from '../engine/descriptors.js';
import { EngineError } from '../engine/cpu.js';
import { Reg } from '../engine/unicorn-consts.js';
import { row, SyscallContext, SyscallRow } from './types.js';

/** LDT_ENTRIES: the most a process may ask for. */
const LDT_ENTRIES = 8192;
const LDT_ENTRY_SIZE = 8;
/** What read_default_ldt clears on a 64-bit kernel. */
const DEFAULT_LDT_SIZE = 128;
const IO_BITMAP_BITS = 65536;
const SELECTOR_LDT = 4;

function readLdt(ctx: SyscallContext, ptr: number, bytecount: number): number {
  const gdt = ctx.proc.machine.gdt;
  if (gdt.ldtSize === 0) return 0;
  const count = Math.min(bytecount, LDT_ENTRY_SIZE * LDT_ENTRIES);
  const entries = gdt.ldtBytes();
  const size = Math.min(entries.length, count);
  const out = new Uint8Array(count);
  out.set(entries.subarray(0, size));
  ctx.mem.write(ptr, out);
  return count;
}

function readDefaultLdt(ctx: SyscallContext, ptr: number, bytecount: number): number {
  const count = Math.min(bytecount, DEFAULT_LDT_SIZE);
  ctx.mem.write(ptr, new Uint8Array(count));
  return count;
}

/**
 * Data segment registers that hold an LDT selector are loaded again, as the
 * kernel's refresh_ldt_segments does; one that no longer loads becomes null.
 */
function refreshSegments(ctx: SyscallContext): void {
  const cpu = ctx.proc.machine.cpu;
  for (const reg of [Reg.DS, Reg.ES]) {
    const sel = cpu.reg(reg) & 0xffff;
    if ((sel & SELECTOR_LDT) === 0) continue;
    try {
      cpu.setReg(reg, sel);
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      cpu.setReg(reg, 0);
    }
  }
}

function writeLdt(ctx: SyscallContext, ptr: number, bytecount: number, oldmode: boolean): number {
  if (bytecount !== USER_DESC_SIZE) return -EINVAL;
  const d = readUserDesc(ctx.mem, ptr);
  const entry = d.entry >>> 0;
  if (entry >= LDT_ENTRIES) return -EINVAL;
  if (d.contents === 3 && (oldmode || !d.notPresent)) return -EINVAL;
  const clear = (oldmode && d.base === 0 && d.limit === 0) || (isEmptyDesc(d) && !userDescLongMode(ctx.mem, ptr));
  // the old mode always clears the "available" bit
  const words: [number, number] = clear ? [0, 0] : descriptorFor(oldmode ? { ...d, useable: false } : d);
  if (!ctx.proc.machine.gdt.writeLdt(entry, words)) return -ENOMEM;
  refreshSegments(ctx);
  return 0;
}

function modifyLdt(ctx: SyscallContext, func: number, ptr: number, bytecount: number): number {
  switch (func) {
    case 0: return readLdt(ctx, ptr, bytecount >>> 0);
    case 1: return writeLdt(ctx, ptr, bytecount >>> 0, true);
    case 2: return readDefaultLdt(ctx, ptr, bytecount >>> 0);
    case 0x11: return writeLdt(ctx, ptr, bytecount >>> 0, false);
    default: return -ENOSYS;
  }
}

export const archRows: SyscallRow[] = [
  row(123, 'modify_ldt', ['int', 'ptr', 'size'], (ctx, func, ptr, count) => modifyLdt(ctx, func | 0, ptr, count)),
  // no I/O privilege for a sandboxed guest (root natively would get it)
  row(110, 'iopl', ['int'], (_ctx, level) => ((level >>> 0) > 3 ? -EINVAL : level === 0 ? 0 : -EPERM)),
  row(101, 'ioperm', ['hex', 'uint', 'int'], (_ctx, from, num, on) => {
    const end = (from >>> 0) + (num >>> 0);
    if (end <= from >>> 0 || end > IO_BITMAP_BITS) return -EINVAL;
    return on !== 0 ? -EPERM : 0;
  }),
  // virtual-8086 mode does not exist for a 32-bit process on a 64-bit kernel
  row(113, 'vm86old', ['ptr'], () => -ENOSYS),
  row(166, 'vm86', ['hex', 'ptr'], () => -ENOSYS),
];

