// The descriptor tables of a 32-bit process on a 64-bit Linux kernel: user
// code 0x23 and data 0x2b at GDT entries 4 and 5, the three thread-local
// storage slots set_thread_area fills (entries 6..8, as on i386), and a
// local descriptor table (modify_ldt) described by GDT entry 10. Both tables
// live in the two pages above TASK_SIZE, which the guest cannot map, and are
// supervisor-only: guest code runs at CPL 3 and cannot read or rewrite them
// (the CPU reads them with kernel rights when a selector is loaded).
import { Cpu } from './cpu.js';
import { Reg } from './unicorn-consts.js';
import { PageTables } from '../memory/page-tables.js';
import type { CpuStateFields } from './cpu-state.js';

const GDT_BASE = 0xffffe000;
const GDT_ENTRIES = 16;
export const TLS_FIRST = 6;
export const TLS_COUNT = 3;
/** The LDT follows the GDT up to the end of the address space. */
const LDT_BASE = GDT_BASE + GDT_ENTRIES * 8;
const LDT_MAX_ENTRIES = (2 ** 32 - LDT_BASE) / 8;
const USER_CODE = 4;
const USER_DATA = 5;
const LDT_DESCRIPTOR = 10;
const USER_CS = (USER_CODE << 3) | 3;
const USER_DS = (USER_DATA << 3) | 3;
/** EFLAGS of a new process: IF set (and the reserved bit 1). */
const INITIAL_EFLAGS = 0x202;
/** QEMU's segment-cache flags for an LDT: present, system type 2. */
const LDT_CACHE_FLAGS = 0x8200;

/** Fields of Linux's struct user_desc. */
export interface UserDesc {
  entry: number;
  base: number;
  limit: number;
  seg32: boolean;
  contents: number;
  readExecOnly: boolean;
  limitInPages: boolean;
  notPresent: boolean;
  useable: boolean;
}

/** Encode a segment descriptor as two little-endian words. */
function encodeDescriptor(base: number, limit: number, access: number, flags: number): [number, number] {
  const lo = ((base & 0xffff) << 16) | (limit & 0xffff);
  const hi = (base & 0xff000000) | ((flags & 0xf) << 20) | (limit & 0xf0000) | ((access & 0xff) << 8) | ((base >>> 16) & 0xff);
  return [lo >>> 0, hi >>> 0];
}

/** The "empty" user_desc that clears an entry (LDT_empty). */
export function isEmptyDesc(d: UserDesc): boolean {
  return d.base === 0 && d.limit === 0 && d.contents === 0 && d.readExecOnly && !d.seg32 && !d.limitInPages && d.notPresent && !d.useable;
}

/** Descriptor words for a user_desc, as the kernel's fill_ldt makes them (DPL 3, accessed). */
export function descriptorFor(d: UserDesc): [number, number] {
  if (isEmptyDesc(d)) return [0, 0];
  const type = 1 | ((d.readExecOnly ? 0 : 1) << 1) | ((d.contents & 3) << 2);
  const access = 0x10 | type | (3 << 5) | (d.notPresent ? 0 : 0x80); // S=1, DPL=3
  const flags = (d.useable ? 1 : 0) | ((d.seg32 ? 1 : 0) << 2) | ((d.limitInPages ? 1 : 0) << 3);
  return encodeDescriptor(d.base, d.limit, access, flags);
}

/** What Linux's UMIP emulation gives for SIDT (base, limit 0) and STR. */
const UMIP_IDT_BASE = 0xffff0000;
const UMIP_TSS_SELECTOR = 8 << 3;

export class DescriptorTable {
  /** Entries the LDT has (0: none, LDTR null). */
  private ldtEntries = 0;

  constructor(private readonly view: DataView, private readonly cpu: Cpu) {}

  /**
   * Build the tables and leave the CPU in user mode: CPL 3 with Linux's
   * selectors. Without `fields` (an unknown engine build) the CPU stays at
   * CPL 0 with flat kernel segments; returns whether user mode was reached.
   */
  install(tables: PageTables, fields: CpuStateFields | null): boolean {
    const cpu = this.cpu;
    tables.map(GDT_BASE, 2 ** 32, { writable: true, executable: false, user: false });
    this.write(USER_CODE, encodeDescriptor(0, 0xfffff, 0xfb, 0xc));
    cpu.setTableReg(Reg.GDTR, GDT_BASE, GDT_ENTRIES * 8 - 1);
    // no LDT, and a task register that is not a TSS: in/out then fault with #GP(0).
    // The engine's interrupt hook takes every exception before a gate or a TSS
    // is looked at, so no IDT is needed either. What SIDT and STR show is what
    // Linux shows a process on a CPU with UMIP (its emulation's dummy IDT base
    // and the x86-64 kernel's TSS selector, GDT entry 8); SGDT still shows this
    // table (README, Limitations).
    cpu.setTableReg(Reg.LDTR, 0, 0);
    cpu.setTableReg(Reg.TR, 0, 0, UMIP_TSS_SELECTOR);
    cpu.setTableReg(Reg.IDTR, UMIP_IDT_BASE, 0);
    cpu.setReg(Reg.CS, USER_CS);
    if (fields) {
      this.write(USER_DATA, encodeDescriptor(0, 0xfffff, 0xf3, 0xc));
      fields.privilegeLevel = 3;
    } else {
      this.write(USER_DATA, encodeDescriptor(0, 0xfffff, 0x93, 0xc));
    }
    const data = fields ? USER_DS : USER_DATA << 3;
    // SS first: a 16-bit stack segment would make the next push use SP
    cpu.setReg(Reg.SS, data);
    cpu.setReg(Reg.DS, data);
    cpu.setReg(Reg.ES, data);
    cpu.setReg(Reg.EFLAGS, INITIAL_EFLAGS);
    return fields !== null && fields.privilegeLevel === 3;
  }

  write(entry: number, words: [number, number]): void {
    this.view.setUint32(GDT_BASE + entry * 8, words[0], true);
    this.view.setUint32(GDT_BASE + entry * 8 + 4, words[1], true);
  }

  read(entry: number): [number, number] {
    return [this.view.getUint32(GDT_BASE + entry * 8, true), this.view.getUint32(GDT_BASE + entry * 8 + 4, true)];
  }

  /** Number of LDT entries (modify_ldt reads this many). */
  get ldtSize(): number {
    return this.ldtEntries;
  }

  /** The LDT's bytes (ldtSize entries). */
  ldtBytes(): Uint8Array {
    return new Uint8Array(this.view.buffer, this.view.byteOffset + LDT_BASE, this.ldtEntries * 8).slice();
  }

  /**
   * Write LDT entry `index`, growing the table to cover it. Returns false
   * when the index is beyond what this machine can hold.
   */
  writeLdt(index: number, words: [number, number]): boolean {
    if (index < 0 || index >= LDT_MAX_ENTRIES) return false;
    this.view.setUint32(LDT_BASE + index * 8, words[0], true);
    this.view.setUint32(LDT_BASE + index * 8 + 4, words[1], true);
    if (index >= this.ldtEntries) {
      this.ldtEntries = index + 1;
      const limit = this.ldtEntries * 8 - 1;
      this.write(LDT_DESCRIPTOR, encodeDescriptor(LDT_BASE, limit, 0x82, 0));
      this.cpu.setTableReg(Reg.LDTR, LDT_BASE, limit, LDT_DESCRIPTOR << 3, LDT_CACHE_FLAGS);
    }
    return true;
  }
}
