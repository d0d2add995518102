// What the user sees when the guest dies of a CPU fault: one line naming the
// signal, the cause, the faulting instruction (symbolized and disassembled),
// then a backtrace. Written to the diagnostics stream; the program's own
// output is untouched. A report never throws: whatever cannot be worked out
// is left out or shown raw.
import path from 'node:path';
import type { Process } from '../process.js';
import type { Thread } from '../thread.js';
import { CpuFault, SIGBUS, SIGSEGV, signalName } from './fault.js';
import { disassemble, disassemblerLoaded, loadDisassembler } from './disasm.js';
import { cpuRegisters, guestBytes, guestDebugFiles, guestModules, guestReader } from './guest-modules.js';
import { backtraceLines } from './backtrace.js';
import { ModuleCache, ModuleMap, describeLocation } from '../../loader/symbols/modules.js';
import { walkStack } from '../../loader/unwind/unwind.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../memory/address-space.js';
import { escapeText } from '../../loader/text/terminal-text.js';

const hex = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');

/** The longest x86 instruction. */
const MAX_INSN = 15;

function instructionText(code: Uint8Array, eip: number): string {
  if (code.length === 0) return 'code not readable';
  const insn = disassemble(code, eip);
  if (insn) return insn.text;
  return [...code.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ') + ' (not disassembled)';
}

function programName(proc: Process): string {
  return path.posix.basename(proc.exePath || proc.comm) || proc.comm;
}

function attempt<T>(work: () => T, fallback: (e: unknown) => T): T {
  try {
    return work();
  } catch (e) {
    return fallback(e);
  }
}

function permissions(prot: number): string {
  return (prot & PROT_READ ? 'r' : '-') + (prot & PROT_WRITE ? 'w' : '-') + (prot & PROT_EXEC ? 'x' : '-');
}

/** How far below the stack a fault still counts as the stack overflowing (more than any frame gcc makes). */
const STACK_GAP = 1 << 20;

/** "invalid memory access at address 0x...", or a stack overflow when that is what it was. */
function causeText(proc: Process, fault: CpuFault, esp: number): string {
  if (fault.signal !== SIGSEGV && fault.signal !== SIGBUS) return fault.cause;
  let text = `${fault.cause} at address ${hex(fault.address)}`;
  const region = proc.space.regionAt(fault.address);
  // a mapped address faults for lack of permission: say what the mapping allows
  if (region) text += ` in ${permissions(region.prot)} mapping${region.name ? ` of ${path.posix.basename(region.name)}` : ''}`;
  const stack = proc.space.regions.find((r) => r.kind === 'stack');
  const below = stack ? stack.start - fault.address : -1;
  const nearSp = Math.abs(fault.address - esp) < 65536;
  return below > 0 && below <= STACK_GAP && nearSp ? `stack overflow: ${text}` : text;
}

/** The report's lines; the instruction is filled in by `instruction` (from the faulting bytes, read now). */
function faultReportLines(proc: Process, fault: CpuFault, _thread: Thread): { lines: string[]; code: Uint8Array } {
  const modules = attempt(() => guestModules(proc, new ModuleCache(guestDebugFiles(proc))), () => new ModuleMap([]));
  const where = attempt(() => {
    const loc = modules.locate(fault.eip);
    return loc.module ? ` in ${describeLocation(loc)}` : '';
  }, () => '');
  const regs = attempt(() => ({ ...cpuRegisters(proc.machine.cpu), eip: fault.eip }), () => null);
  const cause = attempt(() => causeText(proc, fault, regs?.esp ?? 0), () => fault.cause);
  const code = attempt(() => guestBytes(proc, fault.eip, MAX_INSN), () => new Uint8Array(0));
  const lines = [`dsu: ${programName(proc)}: ${signalName(fault.signal)} (${cause}) at ${hex(fault.eip)}${where}: `];
  lines.push('backtrace:');
  lines.push(...attempt(() => {
    if (!regs) return ['  (registers not readable)'];
    return backtraceLines(walkStack(regs, guestReader(proc), modules));
  }, (e) => [`  (backtrace unavailable: ${(e as Error).message})`]));
  return { lines, code };
}

/** Reports waiting for the disassembler to load. */
const pending = new Set<Promise<void>>();

/**
 * Report a fault. Everything is read from the guest now (it is about to be
 * gone); the disassembler is loaded on the first report, so that report is
 * written once it has loaded: callers that exit await faultReportsWritten().
 */
export function reportFault(proc: Process, fault: CpuFault, thread: Thread): void {
  const { lines, code } = faultReportLines(proc, fault, thread);
  const write = (): void => {
    lines[0] += attempt(() => instructionText(code, fault.eip), () => 'code not readable');
    // symbol, module and file names come from the guest's files: one line each, whatever they hold
    proc.log.line(lines.map(escapeText).join('\n'));
  };
  if (disassemblerLoaded() || code.length === 0) return write();
  const written = loadDisassembler().then(write, write).finally(() => pending.delete(written));
  pending.add(written);
}

/** Resolves once every fault report so far has been written. */
export async function faultReportsWritten(): Promise<void> {
  while (pending.size > 0) await Promise.all([...pending]);
}
