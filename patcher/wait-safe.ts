// Waiting for the moment an update is safe. The stacks are checked now, and
// again whenever they can have changed: after every slice (the guest
// blocked, was preempted, or made a syscall that stopped it), and when the
// outermost blocking function returns (a breakpoint on its return address,
// as libcare does). With update points, only at dsu_update_point(). When the
// update is safe the program is held stopped and the promise resolves.
import type { Session } from '../emulator/launch.js';
import { cpuRegisters } from '../emulator/faults/guest-modules.js';
import { ModuleMap } from '../loader/symbols/modules.js';
import type { BreakpointSet } from '../emulator/breakpoints.js';
import { checkSafety, CodeRange, SafetyReport, StackSnapshot, touchesWindow, walkThread } from './quiescence.js';
import { JMP_SIZE } from './mechanism/jump.js';
import { ExitStatus, PatcherError } from './errors.js';
import { collectYoungGeneration } from './mechanism/young-gc.js';

export interface WaitOptions {
  timeoutMs: number;
  /** Let active old versions finish in old code; only the jump windows must be free. */
  relaxed: boolean;
  /** Address of dsu_update_point when updates happen only there. */
  updatePoint: number | null;
}

export interface SafePoint {
  waitedMs: number;
  checks: number;
  /** The stack at the safe point, innermost first. */
  stack: string[];
  /** How the safe point was found. */
  at: 'immediately' | 'slice' | 'return-breakpoint' | 'update-point';
  /** performance.now() when the program was stopped for the update: the pause starts here. */
  heldAt: number;
  /** With --relaxed: old versions still running at the update (they finish in the old code). */
  stillActive: string[];
}

class NotSafe extends PatcherError {}

export function waitUntilSafe(
  session: Session,
  breakpoints: BreakpointSet,
  modules: () => ModuleMap,
  ranges: readonly CodeRange[],
  entries: readonly number[],
  opts: WaitOptions,
): Promise<SafePoint> {
  const { proc, runner } = session;
  const started = performance.now();
  let checks = 0;
  /** Blocking functions seen at every check so far (a main loop never leaves). */
  let alwaysBlocking: Set<string> | null = null;
  let lastReport: SafetyReport | null = null;
  /** Whether the guest ran or its stack changed while waiting (a guest blocked in one call does neither). */
  const slicesAtStart = runner.slices;
  let firstStack: string | null = null;
  let stackMoved = false;
  /** A guest that ran without a system call the whole time was computing. */
  const syscallsAtStart = runner.syscalls.count;
  // built once per wait; again only if the program mapped or unmapped something (dlopen)
  let map: ModuleMap | null = null;
  let mapFor = -1;
  const moduleMap = (): ModuleMap => {
    if (map === null || mapFor !== proc.space.regions.length) {
      map = modules();
      mapFor = proc.space.regions.length;
    }
    return map;
  };

  let checkedAt = 0;
  let stillActive: string[] = [];
  const check = (): { report: SafetyReport; stacks: StackSnapshot[] } => {
    checks++;
    checkedAt = performance.now();
    // the runner's EIP, not the engine's: at a breakpoint the engine's is one past the int3
    const stacks = [walkThread(proc, { ...cpuRegisters(proc.machine.cpu), eip: runner.instructionPointer }, moduleMap())];
    let report = checkSafety(stacks, opts.relaxed ? [] : ranges);
    if (opts.relaxed) stillActive = [...new Set(checkSafety(stacks, ranges).blockers.map((b) => b.range.name))];
    for (const e of entries) {
      const f = touchesWindow(stacks, e, e + JMP_SIZE);
      if (f) report = { ...report, safe: false, blockers: [...report.blockers, { range: { start: e, end: e + JMP_SIZE, name: `the first ${JMP_SIZE} bytes at 0x${e.toString(16)}` }, frame: f }] };
    }
    const names = new Set(report.blockers.map((b) => b.range.name));
    alwaysBlocking = alwaysBlocking === null ? names : new Set([...alwaysBlocking].filter((n) => names.has(n)));
    lastReport = report;
    const key = report.stack.join('|');
    if (firstStack === null) firstStack = key;
    else if (key !== firstStack) stackMoved = true;
    return { report, stacks };
  };

  return new Promise<SafePoint>((resolve, reject) => {
    let done = false;
    let returnBreakpoint: number | null = null;
    const cleanup = (): void => {
      done = true;
      clearTimeout(timer);
      runner.stopListeners.delete(onStop);
      if (returnBreakpoint !== null) breakpoints.remove(returnBreakpoint);
      if (opts.updatePoint !== null) breakpoints.remove(opts.updatePoint);
    };
    const succeed = (report: SafetyReport, at: SafePoint['at']): void => {
      cleanup();
      runner.hold();
      // the successful check is the first step of the pause
      resolve({ waitedMs: checkedAt - started, checks, stack: report.stack, at, heldAt: checkedAt, stillActive });
    };
    /** Re-check at a stop; on failure, watch the return of the outermost blocker. */
    const attempt = (at: SafePoint['at']): void => {
      if (done) return;
      if (proc.exited) {
        cleanup();
        reject(new NotSafe('the program exited while the update was waiting'));
        return;
      }
      const { report, stacks } = check();
      if (report.safe) {
        succeed(report, at);
        return;
      }
      if (opts.updatePoint !== null || report.blockers.length === 0) return;
      // when the outermost blocking frame returns, its caller resumes here
      const outermost = Math.max(...report.blockers.map((b) => b.frame.index));
      const ret = stacks[0].frames[outermost + 1]?.pc;
      if (ret === undefined || ret === returnBreakpoint) return;
      if (returnBreakpoint !== null) breakpoints.remove(returnBreakpoint);
      returnBreakpoint = ret;
      breakpoints.insert(ret, () => {
        breakpoints.remove(ret);
        if (returnBreakpoint === ret) returnBreakpoint = null;
        attempt('return-breakpoint');
      });
    };
    const onStop = (): void => attempt('slice');
    const timer = setTimeout(() => {
      if (done) return;
      cleanup();
      const guest = !(stackMoved || runner.slices !== slicesAtStart) ? 'blocked' : runner.syscalls.count !== syscallsAtStart ? 'moved' : 'computing';
      // ran out of time: nothing was changed, and it has an exit status of its own
      reject(new NotSafe(notSafeMessage(lastReport, alwaysBlocking, guest, opts, performance.now() - started), ExitStatus.notSafe));
    }, opts.timeoutMs);

    if (opts.updatePoint !== null) {
      const at = opts.updatePoint;
      breakpoints.insert(at, () => {
        collectYoungGeneration();
        const { report } = check();
        if (report.safe) succeed(report, 'update-point');
      });
      return;
    }
    collectYoungGeneration();
    const first = check();
    if (first.report.safe) {
      succeed(first.report, 'immediately');
      return;
    }
    runner.stopListeners.add(onStop);
    attempt('slice');
  });
}

/**
 * What the guest did while the update waited: sat in one call, ran without
 * making a system call (a long computation), or went on serving.
 */
type GuestActivity = 'blocked' | 'computing' | 'moved';

function notSafeMessage(report: SafetyReport | null, always: Set<string> | null, guest: GuestActivity, opts: WaitOptions, waited: number): string {
  const ms = Math.round(waited);
  if (opts.updatePoint !== null && (report === null || report.safe)) {
    return `the program did not reach dsu_update_point() within ${ms} ms; nothing was changed`;
  }
  if (!report) return `not safe within ${ms} ms; nothing was changed`;
  const active = [...new Set(report.blockers.map((b) => b.range.name))];
  const stack = report.stack.map((s, i) => `#${i} ${s}`).join(', ');
  let msg = `not safe within ${ms} ms: ${active.join(', ')} still active; nothing was changed. Stack: ${stack}`;
  if (report.incomplete) msg += ' (the stack could not be walked to its end)';
  const stuck = always ? active.filter((n) => always.has(n)) : [];
  if (stuck.length > 0 && guest === 'computing' && report.stack.length > 0 && !stuck.some((n) => /^main\b/.test(n))) {
    const innermost = report.stack.find((s) => !s.startsWith('(')) ?? report.stack[0];
    msg += `. The program was computing in ${innermost.replace(/\+0x[0-9a-f]+/, '')} the whole time, without a system call: ` +
      `${stuck.join(', ')} can be replaced once ${stuck.length === 1 ? 'it returns' : 'they return'} (a longer --timeout)` +
      (opts.relaxed ? '' : ', or use --relaxed to let the running activation finish in the old code');
  } else if (stuck.length > 0 && guest === 'blocked' && report.stack.length > 0 && !stuck.some((n) => /^main\b/.test(n))) {
    // the syscall gate (int 0x80 stub) says less than the libc call above it
    const named = report.stack.find((s) => !s.startsWith('(') && !/^(_dl_sysinfo_int80|__kernel_vsyscall)\b/.test(s)) ?? report.stack[0];
    msg += `. The program sat in ${named.replace(/\+0x[0-9a-f]+/, '')} the whole time (a blocking call waiting for input?): ` +
      `${stuck.join(', ')} can be replaced once it returns (a longer --timeout), unless it is a main loop that never returns;` +
      ' then call dsu_update_point() from the loop and run with --update-points, or move the changed code out of it';
  } else if (stuck.length > 0) {
    msg += `. ${stuck.join(', ')} never left the stack while waiting (a main loop?): it cannot be replaced while it runs;` +
      ' call dsu_update_point() from the loop and run with --update-points, or move the changed code out of it' +
      (opts.relaxed ? '' : ' (or use --relaxed to let running activations finish in the old code)');
  }
  return msg;
}
