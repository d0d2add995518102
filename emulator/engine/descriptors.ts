// The global descriptor table: flat code and data segments, and the three
// thread-local-storage slots that set_thread_area fills (Linux entries 6..8).
// It lives in the guest's top page, which the guest cannot map.
import { Cpu } from './cpu.js';
import { Reg } from './unicorn-consts.js';
import { PageTables } from '../memory/page-tables.js';

const GDT_BASE = 0xfffff000;
const GDT_ENTRIES = 16;
export const TLS_FIRST = 6;
export const TLS_COUNT = 3;
const CODE = 1;
const DATA = 2;

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

/** Descriptor words for a user_desc, as the kernel's fill_ldt does. */
export function descriptorFor(d: UserDesc): [number, number] {
  if (d.notPresent && d.readExecOnly && !d.seg32 && !d.limitInPages && d.base === 0 && d.limit === 0) return [0, 0];
  const type = ((d.readExecOnly ? 0 : 1) << 1) | ((d.contents & 3) << 2);
  const access = 0x10 | type | (3 << 5) | (d.notPresent ? 0 : 0x80); // S=1, DPL=3
  const flags = (d.useable ? 1 : 0) | ((d.seg32 ? 1 : 0) << 2) | ((d.limitInPages ? 1 : 0) << 3);
  return encodeDescriptor(d.base, d.limit, access, flags);
}

export class DescriptorTable {
  constructor(private readonly view: DataView) {}

  install(cpu: Cpu, tables: PageTables): void {
    tables.map(GDT_BASE, GDT_BASE + 4096, true);
    this.write(CODE, encodeDescriptor(0, 0xfffff, 0x9b, 0xc));
    this.write(DATA, encodeDescriptor(0, 0xfffff, 0x93, 0xc));
    cpu.setTableReg(Reg.GDTR, GDT_BASE, GDT_ENTRIES * 8 - 1);
    // SS first: a 16-bit stack segment would make the next push use SP.
    cpu.setReg(Reg.SS, DATA << 3);
    cpu.setReg(Reg.DS, DATA << 3);
    cpu.setReg(Reg.ES, DATA << 3);
  }

  write(entry: number, words: [number, number]): void {
    this.view.setUint32(GDT_BASE + entry * 8, words[0], true);
    this.view.setUint32(GDT_BASE + entry * 8 + 4, words[1], true);
  }

  read(entry: number): [number, number] {
    return [this.view.getUint32(GDT_BASE + entry * 8, true), this.view.getUint32(GDT_BASE + entry * 8 + 4, true)];
  }
}
