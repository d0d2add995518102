// One emulated IA-32 machine: the CPU, the guest's 4 GiB of memory, page
// tables, descriptor tables and the guest's memory map, wired together. The
// CPU is set up as Linux leaves it for a 32-bit process on a 64-bit kernel:
// protected mode with paging, no-execute pages, SSE and XSAVE enabled, and
// the guest at CPL 3 with the user selectors, so privileged instructions
// fault as they do natively.
import { Cpu } from './engine/cpu.js';
import { Reg, UC_PROT_ALL } from './engine/unicorn-consts.js';
import { DescriptorTable } from './engine/descriptors.js';
import { disableMidBlockExitChecks, engineFixes } from './engine/engine-fixes.js';
import { CpuStateFields, cpuStateFields } from './engine/cpu-state.js';
import { applyCpuFeatures } from './engine/cpu-features.js';
import { trackGuestMemory, untrackGuestMemory } from './engine/code-writes.js';
import { HostMemory, GUEST_SPACE } from './memory/host-memory.js';
import { tlbFlusher } from './engine/tlb-flush.js';
import { PageTables, TABLES_PHYS, TABLES_SIZE } from './memory/page-tables.js';
import { AddressSpace } from './memory/address-space.js';

/** Linux's CR0: PE, MP, ET, NE (unmasked x87 exceptions raise #MF), WP, AM, PG. */
const CR0_LINUX = 0x80050033;
const CR4_PAE = 0x20;
/**
 * Performance-counter reads from user mode. Linux leaves it clear, so rdpmc
 * faults with #GP; the engine's helper tests the bit the wrong way round and
 * raises #GP only when it is set.
 */
const CR4_PCE_INVERTED = 0x100;
/** FXSAVE/FXRSTOR include MXCSR and the XMM registers. */
const CR4_OSFXSR = 0x200;
/** Unmasked SSE exceptions raise #XM (SIGFPE) instead of #UD. */
const CR4_OSXMMEXCPT = 0x400;
const CR4_OSXSAVE = 0x40000;
const MSR_EFER = 0xc0000080;
const EFER_NXE = 1n << 11n;

export class Machine {
  readonly cpu: Cpu;
  readonly memory: HostMemory;
  readonly tables: PageTables;
  readonly space: AddressSpace;
  readonly gdt: DescriptorTable;
  /** CPU state the engine's API does not reach (null on an unknown engine build). */
  readonly cpuFields: CpuStateFields | null;
  /** Whether the engine can be stopped safely from another thread. */
  readonly preemptible: boolean;
  /** Whether the guest runs at CPL 3 (false only on an unknown engine build). */
  readonly userMode: boolean;
  private readonly engineTlbFlush: (() => void) | null;

  constructor() {
    const fixes = engineFixes();
    this.cpu = new Cpu();
    this.cpu.useRegisterFile();
    this.cpuFields = cpuStateFields(this.cpu);
    // before anything is translated: the translator checks these feature bits
    if (this.cpuFields) applyCpuFeatures(this.cpuFields, fixes);
    this.preemptible = disableMidBlockExitChecks(this.cpu.engineHandle);
    this.engineTlbFlush = tlbFlusher(this.cpu.engineHandle);
    this.memory = new HostMemory();
    trackGuestMemory(this.memory.hostBase, GUEST_SPACE);
    this.tables = new PageTables(this.memory.view);
    this.cpu.mapHost(0, GUEST_SPACE, UC_PROT_ALL, this.memory.hostBase);
    this.cpu.mapHost(TABLES_PHYS, TABLES_SIZE, UC_PROT_ALL, this.tables.hostAddress);
    this.space = new AddressSpace(this.memory, this.tables, {
      flushTlb: () => this.flushTlb(),
      codeChanging: (start, end) => this.invalidateCode(start, end),
    });
    this.gdt = new DescriptorTable(this.memory.view, this.cpu);
    this.cpu.setReg(Reg.CR4, this.cpu.reg(Reg.CR4) | CR4_PAE | CR4_PCE_INVERTED | CR4_OSFXSR | CR4_OSXMMEXCPT | (this.cpuFields ? CR4_OSXSAVE : 0));
    this.cpu.setReg(Reg.CR3, this.tables.root);
    this.cpu.setReg(Reg.CR0, CR0_LINUX);
    this.cpu.setMsr(MSR_EFER, this.cpu.readMsr(MSR_EFER) | EFER_NXE);
    // the engine ignores NXE unless its CPUID says NX; bit 63 is then reserved
    this.tables.noExecute = (this.cpu.readMsr(MSR_EFER) & EFER_NXE) !== 0n;
    this.userMode = this.gdt.install(this.tables, this.cpuFields);
  }

  /** Drop every cached address translation (after the page tables changed). */
  flushTlb(): void {
    if (this.engineTlbFlush) this.engineTlbFlush();
    else this.cpu.flushCode(); // unknown engine build: the best we can do
  }

  /**
   * Drop translated code of [begin, end) (after the host wrote guest code,
   * before code pages are unmapped or change rights). The engine finds blocks
   * by physical address and translates `begin` as an instruction fetch
   * through the page tables, so each run of pages the guest can fetch from
   * is invalidated on its own. The other pages hold no blocks (theirs were
   * dropped before they lost their rights or went away), and must not be
   * given to the engine: a fetch that fails there raises a page fault inside
   * the engine, outside any emulation, which invalidates nothing and leaves
   * the fault "in flight" (a second one makes it a double fault), so that
   * the guest's next real page fault became a triple fault, which the engine
   * takes as a silent halt: every slice then stopped at once, at the same
   * instruction (a state transfer "did not return").
   * A full flush is never used: its first use touches the whole 1 GiB code
   * buffer (seconds, and that much resident memory).
   */
  invalidateCode(begin: number, end: number): void {
    let run = -1;
    const first = begin - (begin % 4096);
    for (let page = first; page < end; page += 4096) {
      const fetchable = this.tables.canFetch(page, this.userMode);
      if (fetchable && run < 0) run = page;
      if (!fetchable && run >= 0) {
        this.cpu.invalidateCode(Math.max(run, begin), page);
        run = -1;
      }
    }
    if (run >= 0) this.cpu.invalidateCode(Math.max(run, begin), end);
  }

  release(): void {
    this.cpu.close();
    untrackGuestMemory(this.memory.hostBase, GUEST_SPACE);
    this.tables.release();
    this.memory.release();
  }
}
