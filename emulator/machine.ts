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
  private codeFlushPending = false;
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
      flushCode: () => {
        this.codeFlushPending = true;
      },
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

  /** Drop translated code if guest code pages changed since the last call. */
  flushCodeIfNeeded(): void {
    if (!this.codeFlushPending) return;
    this.codeFlushPending = false;
    this.cpu.flushCode();
  }

  /** After the host wrote guest code (patches): drop translations of that range. */
  invalidateCode(begin: number, end: number): void {
    // The engine translates `begin` through the page tables: it must be mapped.
    for (let page = begin - (begin % 4096); page < end; page += 4096) {
      if (!this.tables.isPresent(page)) {
        this.cpu.flushCode();
        return;
      }
    }
    this.cpu.invalidateCode(begin, end);
  }

  release(): void {
    this.cpu.close();
    this.tables.release();
    this.memory.release();
  }
}
