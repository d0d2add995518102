// Waiting for the moment an update is safe. Every thread's stack is checked
// now, and again whenever the stacks can have changed: after every slice
// (a thread blocked, was preempted, or made a syscall that stopped it), and
// when the outermost blocking function of any thread returns (a breakpoint
// on its return address, as libcare does). Meanwhile every thread keeps
// running.
//
// With update points (the invoke model), a thread that reaches
// dsu_update_point() with a safe stack is held there while the others go
// on; the update happens once every thread is held at an update point or
// blocked in a system call with no patched code on its stack (Stump's
// relaxed synchronization: a thread waiting forever in accept or
// epoll_wait does not block the update), and at least one reached an
// update point. When the update is safe the whole program is held and the
// promise resolves.
import type { Session } from '../emulator/launch.js';
import type { Thread } from '../emulator/thread.js';
import { ModuleMap } from '../loader/symbols/modules.js';
import type { BreakpointSet } from '../emulator/breakpoints.js';
import { BreakpointBusyError } from '../emulator/breakpoints.js';
import { checkThreads, CodeRange, ThreadCheck } from './quiescence.js';
import { JMP_SIZE } from './mechanism/jump.js';
import { ExitStatus, PatcherError } from './errors.js';
import { collectYoungGeneration } from './mechanism/young-gc.js';
import { notSafeMessage, ThreadHistory } from './not-safe-message.js';

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
  /** The stack at the safe point, innermost first (of the thread that reached the update point, else the main thread). */
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
  const history = new ThreadHistory(runner);
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
  /** Threads held at dsu_update_point while the others catch up. */
  const parked = new Set<Thread>();

  let checks = 0;
  let checkedAt = 0;
  let stillActive: string[] = [];
  const check = (): ThreadCheck[] => {
    checks++;
    checkedAt = performance.now();
    const views = checkThreads(proc, runner, moduleMap(), opts.relaxed ? [] : ranges, entries, JMP_SIZE);
    if (opts.relaxed) {
      const active = checkThreads(proc, runner, moduleMap(), ranges, [], JMP_SIZE);
      stillActive = [...new Set(active.flatMap((v) => v.report.blockers.map((b) => b.range.name)))];
    }
    history.record(views, parked);
    return views;
  };
  /** Whether a thread lets the update happen now. */
  const ready = (v: ThreadCheck): boolean => {
    if (!v.report.safe) return false;
    if (opts.updatePoint === null) return true;
    return parked.has(v.thread) || v.thread.state === 'blocked';
  };

  return new Promise<SafePoint>((resolve, reject) => {
    let done = false;
    const returnBreakpoints = new Set<number>();
    const releaseParked = (): void => {
      for (const t of parked) runner.unpark(t);
      parked.clear();
    };
    const cleanup = (): void => {
      done = true;
      clearTimeout(timer);
      runner.stopListeners.delete(onStop);
      for (const a of returnBreakpoints) breakpoints.remove(a);
      returnBreakpoints.clear();
      if (opts.updatePoint !== null) breakpoints.remove(opts.updatePoint);
    };
    const succeed = (views: ThreadCheck[], at: SafePoint['at'], by: Thread | null): void => {
      cleanup();
      runner.hold();
      // held: the threads parked at the update point stay where they are until the update is done
      releaseParked();
      const shown = views.find((v) => v.thread === by) ?? views.find((v) => v.thread === proc.mainThread) ?? views[0];
      // the successful check is the first step of the pause
      resolve({ waitedMs: checkedAt - started, checks, stack: shown?.report.stack ?? [], at, heldAt: checkedAt, stillActive });
    };
    const fail = (message: string, status?: number): void => {
      cleanup();
      releaseParked();
      reject(new NotSafe(message, status));
    };
    /** Watch the return of each unsafe thread's outermost blocking frame. */
    const watchReturns = (views: ThreadCheck[]): void => {
      const wanted = new Set<number>();
      for (const v of views) {
        if (v.report.blockers.length === 0) continue;
        const outermost = Math.max(...v.report.blockers.map((b) => b.frame.index));
        const ret = v.snapshot.frames[outermost + 1]?.pc;
        if (ret !== undefined) wanted.add(ret >>> 0);
      }
      for (const a of returnBreakpoints) {
        if (wanted.has(a)) continue;
        breakpoints.remove(a);
        returnBreakpoints.delete(a);
      }
      for (const a of wanted) {
        if (returnBreakpoints.has(a)) continue;
        try {
          breakpoints.insert(a, () => {
            breakpoints.remove(a);
            returnBreakpoints.delete(a);
            attempt('return-breakpoint', null);
          });
          returnBreakpoints.add(a);
        } catch (e) {
          // another owner's breakpoint there: the checks after each slice still see the return
          if (!(e instanceof BreakpointBusyError)) throw e;
        }
      }
    };
    /** Check every thread; succeed, or keep watching. */
    const attempt = (at: SafePoint['at'], by: Thread | null): void => {
      if (done) return;
      if (proc.exited) {
        fail('the program exited while the update was waiting');
        return;
      }
      const views = check();
      const updatePointReached = opts.updatePoint === null || parked.size > 0;
      if (updatePointReached && views.every(ready)) {
        succeed(views, at, by);
        return;
      }
      if (opts.updatePoint === null) watchReturns(views);
    };
    const onStop = (): void => {
      // with update points, nothing can become ready until a thread reaches one
      if (opts.updatePoint === null || parked.size > 0) attempt('slice', null);
    };
    const timer = setTimeout(() => {
      if (done) return;
      // ran out of time: nothing was changed, and it has an exit status of its own
      fail(notSafeMessage(history, opts, performance.now() - started), ExitStatus.notSafe);
    }, opts.timeoutMs);

    runner.stopListeners.add(onStop);
    if (opts.updatePoint !== null) {
      breakpoints.insert(opts.updatePoint, (_address, thread) => {
        if (done) return;
        collectYoungGeneration();
        const own = check().find((v) => v.thread === thread);
        // a thread whose own stack is not safe here goes on to its next update point
        if (!own?.report.safe) return;
        parked.add(thread);
        runner.park(thread);
        attempt('update-point', thread);
      });
      return;
    }
    collectYoungGeneration();
    attempt('immediately', null);
  });
}
