// Is it safe to replace these functions now? A thread is in a function when
// its instruction pointer or any return address on its stack lies inside
// it; the stacks are walked with the loader's CFI unwinder, so -O2 code
// without frame pointers is handled. Every thread's stack is walked (from
// the engine for the thread on it, from its saved context for the others)
// and checked on its own, so that what keeps an update waiting can be said
// per thread.
import { unwind, Frame, Registers, StopReason } from '../loader/unwind/unwind.js';
import { ModuleMap, describeLocation } from '../loader/symbols/modules.js';
import { guestReader } from '../emulator/faults/guest-modules.js';
import type { Process } from '../emulator/process.js';
import type { Runner } from '../emulator/runner.js';
import type { Thread } from '../emulator/thread.js';

/** A code range the update must not find active (a version of a replaced function). */
export interface CodeRange {
  start: number;
  end: number;
  /** How to name it to the user ("cmd_get (kvstore-v1)", "store_get (patch #2)"). */
  name: string;
}

export interface StackSnapshot {
  frames: Frame[];
  stop: StopReason;
}

interface Blocker {
  range: CodeRange;
  frame: Frame;
}

export interface SafetyReport {
  safe: boolean;
  blockers: Blocker[];
  /** The walked stack, innermost first, as function names (for error messages). */
  stack: string[];
  /** The stack could not be walked to its end: the check is not trustworthy. */
  incomplete: boolean;
}

const MAX_DEPTH = 4096;

export function walkThread(proc: Process, regs: Registers, modules: ModuleMap): StackSnapshot {
  return unwind(regs, guestReader(proc), modules, { maxFrames: MAX_DEPTH });
}

/** The address that identifies the frame's function: a return address points after its call. */
function codeAddress(frame: Frame): number {
  return frame.index === 0 || frame.signalTrampoline ? frame.pc : (frame.pc - 1) >>> 0;
}

export function checkSafety(stacks: StackSnapshot[], ranges: readonly CodeRange[]): SafetyReport {
  const blockers: Blocker[] = [];
  const names: string[] = [];
  let incomplete = false;
  for (const s of stacks) {
    if (s.stop !== 'outermost' && s.stop !== 'null-return') incomplete = true;
    for (const f of s.frames) {
      const at = codeAddress(f);
      names.push(describeLocation(f.location));
      for (const r of ranges) if (at >= r.start && at < r.end) blockers.push({ range: r, frame: f });
    }
  }
  return { safe: blockers.length === 0 && !incomplete, blockers, stack: names, incomplete };
}

/** Any thread executing inside [start, end) right now, or returning into it (for the 5-byte jmp window). */
function touchesWindow(stacks: StackSnapshot[], start: number, end: number): Frame | null {
  for (const s of stacks) for (const f of s.frames) if (f.pc > start && f.pc < end) return f;
  return null;
}

/** One thread's stack and what in it keeps the update waiting. */
export interface ThreadCheck {
  thread: Thread;
  snapshot: StackSnapshot;
  report: SafetyReport;
}

/**
 * Walk and check every live thread: `ranges` must not be active in any,
 * and no thread may run in or return into the first bytes of an entry
 * (where the jump goes).
 */
export function checkThreads(proc: Process, runner: Runner, modules: ModuleMap, ranges: readonly CodeRange[], entries: readonly number[], windowSize: number): ThreadCheck[] {
  return proc.liveThreads.map((thread) => {
    const snapshot = walkThread(proc, runner.registersOf(thread), modules);
    let report = checkSafety([snapshot], ranges);
    for (const e of entries) {
      const f = touchesWindow([snapshot], e, e + windowSize);
      if (f) {
        const range = { start: e, end: e + windowSize, name: `the first ${windowSize} bytes at 0x${e.toString(16)}` };
        report = { ...report, safe: false, blockers: [...report.blockers, { range, frame: f }] };
      }
    }
    return { thread, snapshot, report };
  });
}
