// The type checks as the patcher runs them: the program's debug information
// looked up inside the guest's root (read once per file), the patch's next
// to it on the host, the stacks as they are now. A file whose debug
// information cannot be read is named once, and its checks are skipped.
import type { Session } from '../../emulator/launch.js';
import { readGuestFile } from '../../emulator/faults/guest-modules.js';
import { FILE_LIMITS, readRegularFileOrNull } from '../../loader/files/regular-file.js';
import type { ElfFile } from '../../loader/elf/elf-file.js';
import type { ModuleMap } from '../../loader/symbols/modules.js';
import type { RuntimeModule } from '../../loader/program/runtime-module.js';
import { DwarfError, locateDebugInfo, type DebugIndex } from '../../loader/dwarf/index.js';
import { walkThread } from '../quiescence.js';
import { checkPatch, type CheckInput, type CheckReport } from './checks.js';

/** Debug information per file, and what has been said about it already. */
export class DebugInfoCache {
  private readonly indexes = new WeakMap<ElfFile, DebugIndex | null>();
  private readonly said = new Set<string>();
  /** Problems reading a file's debug information, to report once. */
  readonly problems: string[] = [];

  constructor(private readonly session: Session) {}

  program(m: RuntimeModule): DebugIndex | null {
    const elf = m.data.elf;
    if (this.indexes.has(elf)) return this.indexes.get(elf)!;
    const proc = this.session.proc;
    const index = this.locate(elf, m.path, (p) => readGuestFile(proc, p));
    this.indexes.set(elf, index);
    return index;
  }

  patch(elf: ElfFile, hostPath: string): DebugIndex | null {
    return this.locate(elf, hostPath, (p) => readRegularFileOrNull(p, FILE_LIMITS.debug), []);
  }

  private locate(elf: ElfFile, objectPath: string, read: (p: string) => Uint8Array | null, roots?: string[]): DebugIndex | null {
    try {
      const found = locateDebugInfo(elf, objectPath, read, roots ? { roots } : {});
      if (found && found.missingDwo.length > 0) this.problems.push(`${objectPath}: split debug files not found: ${found.missingDwo.join(', ')}`);
      return found?.index ?? null;
    } catch (e) {
      if (!(e instanceof DwarfError) && (e as Error).name !== 'ElfError') throw e;
      this.problems.push(`cannot read the debug information of ${objectPath}: ${(e as Error).message}`);
      return null;
    }
  }

  /** Notes not said before in this program's life. */
  once(notes: readonly string[]): string[] {
    const fresh = notes.filter((n) => !this.said.has(n));
    for (const n of fresh) this.said.add(n);
    return fresh;
  }
}

/** Instruction pointers and return addresses on the stacks of all the program's live threads now (each frame's code address). */
export function stackAddresses(session: Session, map: ModuleMap): number[] {
  return frames(session, map).map((f) => (f.index === 0 || f.signalTrampoline ? f.pc : (f.pc - 1) >>> 0));
}

/** Where each frame of every live thread continues: the instruction pointer, the return address. */
export function resumePoints(session: Session, map: ModuleMap): number[] {
  return frames(session, map).map((f) => f.pc >>> 0);
}

/**
 * Every live thread's frames: a function is live when it is on any thread's
 * stack (the one on the engine from the CPU, the others from their saved
 * contexts), so the type checks must see all of them.
 */
function frames(session: Session, map: ModuleMap) {
  const { proc, runner } = session;
  return proc.liveThreads.flatMap((thread) => walkThread(proc, runner.registersOf(thread), map).frames);
}

export function runTypeChecks(cache: DebugInfoCache, input: Omit<CheckInput, 'programDebug'>): CheckReport {
  let report: CheckReport;
  try {
    report = checkPatch({ ...input, programDebug: (m) => cache.program(m) });
  } catch (e) {
    // debug information read lazily can still turn out corrupt: say so, check nothing from it
    if (!(e instanceof DwarfError)) throw e;
    report = { refused: [], overridden: [], warnings: [], notes: [`types could not be checked: ${e.message}`] };
  }
  // the program's notes once in its life; the patch's with every patch
  const program = report.notes.filter((n) => n.startsWith('the program'));
  report.notes = [...cache.once([...program, ...cache.problems.splice(0)]), ...report.notes.filter((n) => !n.startsWith('the program'))];
  return report;
}

