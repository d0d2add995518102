// One emulated IA-32 machine: the CPU, the guest's 4 GiB of memory, page
// tables, descriptor table and the guest's memory map, wired together.
import { Cpu } from './engine/cpu.js';
import { Reg, UC_PROT_ALL } from './engine/unicorn-consts.js';
import { DescriptorTable } from './engine/descriptors.js';
import { disableMidBlockExitChecks, engineFixes } from './engine/engine-fixes.js';
import { HostMemory, GUEST_SPACE } from './memory/host-memory.js';
import { tlbFlusher } from './engine/tlb-flush.js';
import { PageTables, TABLES_PHYS, TABLES_SIZE } from './memory/page-tables.js';
import { AddressSpace } from './memory/address-space.js';

const CR0_PG = 0x80000000;
const CR0_WP = 0x10000;
/** Numeric error: unmasked x87 exceptions raise #MF (SIGFPE) like on Linux. */
const CR0_NE = 0x20;
const CR4_PAE = 0x20;

export class Machine {
  readonly cpu: Cpu;
  readonly memory: HostMemory;
  readonly tables: PageTables;
  readonly space: AddressSpace;
  readonly gdt: DescriptorTable;
  /** Whether the engine can be stopped safely from another thread. */
  readonly preemptible: boolean;
  private readonly engineTlbFlush: (() => void) | null;

  constructor() {
    engineFixes();
    this.cpu = new Cpu();
    this.preemptible = disableMidBlockExitChecks(this.cpu.engineHandle);
    this.engineTlbFlush = tlbFlusher(this.cpu.engineHandle);
    this.memory = new HostMemory();
    this.tables = new PageTables(this.memory.view);
    this.cpu.mapHost(0, GUEST_SPACE, UC_PROT_ALL, this.memory.hostBase);
    this.cpu.mapHost(TABLES_PHYS, TABLES_SIZE, UC_PROT_ALL, this.tables.hostAddress);
    this.space = new AddressSpace(this.memory, this.tables, {
      flushTlb: () => this.flushTlb(),
      codeChanging: (start, end) => this.invalidateCode(start, end),
    });
    this.gdt = new DescriptorTable(this.memory.view);
    this.cpu.setReg(Reg.CR4, this.cpu.reg(Reg.CR4) | CR4_PAE);
    this.cpu.setReg(Reg.CR3, this.tables.root);
    this.cpu.setReg(Reg.CR0, this.cpu.reg(Reg.CR0) | CR0_PG | CR0_WP | CR0_NE);
    this.gdt.install(this.cpu, this.tables);
    this.cpu.useRegisterFile();
  }

  /** Drop every cached address translation (after the page tables changed). */
  flushTlb(): void {
    if (this.engineTlbFlush) this.engineTlbFlush();
    else this.cpu.flushCode(); // unknown engine build: the best we can do
  }

  /**
   * Drop translated code of [begin, end) (after the host wrote guest code,
   * before code pages are unmapped or change rights). The engine finds blocks
   * by physical address and translates `begin` through the page tables, so
   * each run of present pages is invalidated on its own; pages that are not
   * present hold no blocks, since theirs were dropped when they went away.
   * A full flush is never used: its first use touches the whole 1 GiB code
   * buffer (seconds, and that much resident memory).
   */
  invalidateCode(begin: number, end: number): void {
    let run = -1;
    const first = begin - (begin % 4096);
    for (let page = first; page < end; page += 4096) {
      const present = this.tables.isPresent(page);
      if (present && run < 0) run = page;
      if (!present && run >= 0) {
        this.cpu.invalidateCode(Math.max(run, begin), page);
        run = -1;
      }
    }
    if (run >= 0) this.cpu.invalidateCode(Math.max(run, begin), end);
  }

  release(): void {
    this.cpu.close();
    this.tables.release();
    this.memory.release();
  }
}
