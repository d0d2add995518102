// One emulated IA-32 machine: the CPU, the guest's 4 GiB of memory, page
// tables, descriptor tables and the guest's memory map, wired together. The
// CPU is set up as Linux leaves it for a 32-bit process on a 64-bit kernel:
// protected mode with paging, no-execute pages, SSE and XSAVE enabled, and
// the guest at CPL 3 with the user selectors, so privileged instructions
// fault as they do natively.
//
// Usually a machine owns its memory. A child made with CLONE_VM (vfork,
// posix_spawn) runs on an engine of its own over its parent's memory, page
// tables and memory map until it execs or exits: `Machine.sharing` makes
// such a machine. Every engine over one memory is told when translations or
// translated code must go, and only the owner frees the memory.
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

/** The machines whose engines run over one guest memory (usually one). */
export interface MemoryGroup {
  /** The machine that made the memory and frees it. */
  readonly owner: Machine;
  /** Every machine over the memory, owner first; each is told to drop translations. */
  readonly members: Machine[];
}

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
  readonly group: MemoryGroup;
  private released = false;

  constructor(memoryOf?: Machine) {
    const fixes = engineFixes();
    this.cpu = new Cpu();
    this.cpu.useRegisterFile();
    this.cpuFields = cpuStateFields(this.cpu);
    // before anything is translated: the translator checks these feature bits
    if (this.cpuFields) applyCpuFeatures(this.cpuFields, fixes);
    this.preemptible = disableMidBlockExitChecks(this.cpu.engineHandle);
    this.engineTlbFlush = tlbFlusher(this.cpu.engineHandle);
    if (memoryOf) {
      this.memory = memoryOf.memory;
      this.tables = memoryOf.tables;
      this.space = memoryOf.space;
      this.group = memoryOf.group;
    } else {
      this.memory = new HostMemory();
      trackGuestMemory(this.memory.hostBase, GUEST_SPACE);
      this.tables = new PageTables(this.memory.view);
      const members: Machine[] = [];
      this.group = { owner: this, members };
      this.space = new AddressSpace(this.memory, this.tables, {
        flushTlb: () => { for (const m of members) m.flushTlb(); },
        codeChanging: (start, end) => { for (const m of members) m.invalidateOwnCode(start, end); },
      });
    }
    this.group.members.push(this);
    this.cpu.mapHost(0, GUEST_SPACE, UC_PROT_ALL, this.memory.hostBase);
    this.cpu.mapHost(TABLES_PHYS, TABLES_SIZE, UC_PROT_ALL, this.tables.hostAddress);
    // the descriptor tables are in the shared memory (an mm's LDT is shared by CLONE_VM, as in Linux);
    // each engine has its own registers pointing at them
    this.gdt = new DescriptorTable(this.memory.view, this.cpu);
    this.cpu.setReg(Reg.CR4, this.cpu.reg(Reg.CR4) | CR4_PAE | CR4_PCE_INVERTED | CR4_OSFXSR | CR4_OSXMMEXCPT | (this.cpuFields ? CR4_OSXSAVE : 0));
    this.cpu.setReg(Reg.CR3, this.tables.root);
    this.cpu.setReg(Reg.CR0, CR0_LINUX);
    this.cpu.setMsr(MSR_EFER, this.cpu.readMsr(MSR_EFER) | EFER_NXE);
    // the engine ignores NXE unless its CPUID says NX; bit 63 is then reserved
    this.tables.noExecute = (this.cpu.readMsr(MSR_EFER) & EFER_NXE) !== 0n;
    this.userMode = this.gdt.install(this.tables, this.cpuFields);
  }

  /** A machine with an engine of its own over `other`'s memory (a CLONE_VM child). */
  static sharing(other: Machine): Machine {
    return new Machine(other);
  }

  /** Whether this machine runs over another machine's memory. */
  get isSharing(): boolean {
    return this.group.owner !== this;
  }

  /** Drop every cached address translation (after the page tables changed). */
  flushTlb(): void {
    if (this.engineTlbFlush) this.engineTlbFlush();
    else this.cpu.flushCode(); // unknown engine build: the best we can do
  }

  /**
   * Drop translated code of [begin, end) (after the host wrote guest code,
   * before code pages are unmapped or change rights), on every engine that
   * runs over this memory. The engine finds blocks
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
    for (const m of this.group.members) m.invalidateOwnCode(begin, end);
  }

  private invalidateOwnCode(begin: number, end: number): void {
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

  /**
   * Free the engine; the owner also frees the memory, so machines sharing
   * it must be released first.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.cpu.close();
    const members = this.group.members;
    members.splice(members.indexOf(this), 1);
    if (this.isSharing) return;
    untrackGuestMemory(this.memory.hostBase, GUEST_SPACE);
    this.tables.release();
    this.memory.release();
  }
}
