// Run statistics (dsu run --stats FILE): slices, syscalls, threads (started,
// most alive at once, switches on the engine), processes forked and the
// private memory their forks copied, wall and CPU time, peak
// memory, and with --profile where the host's time went.
import fs from 'node:fs';
import type { ExitStatus } from './process.js';
import type { Runner } from './runner.js';
import type { SyscallDispatcher } from './syscalls/dispatch.js';
import { forkCounters } from './fork.js';

export function writeStats(file: string, status: ExitStatus, started: number, runner: Runner, dispatcher: SyscallDispatcher, profile: boolean): void {
  const usage = process.resourceUsage();
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  const stats = {
    status, slices: runner.slices, syscalls: dispatcher.count,
    threads: { started: runner.threadsStarted, peak: runner.peakThreads, switches: runner.switches },
    forks: { count: forkCounters.forks, bytesCopied: forkCounters.bytesCopied },
    wallMs: Math.round(performance.now() - started),
    userCpuMs: Math.round(usage.userCPUTime / 1000),
    systemCpuMs: Math.round(usage.systemCPUTime / 1000),
    maxRssKiB: usage.maxRSS,
    // where the host's time went: guest code, syscall handlers (host I/O
    // included), and the rest of the host process's CPU time (event loop,
    // start-up, control channel)
    ...(profile ? {
      profile: {
        guestMs: Math.round(runner.emulateMs - dispatcher.handlerMs),
        syscallMs: Math.round(dispatcher.handlerMs + dispatcher.retryMs),
        // wall-clock parts of a CPU-time total: may come out slightly negative on a busy machine
        otherCpuMs: Math.round(cpuMs - runner.emulateMs - dispatcher.retryMs),
      },
    } : {}),
  };
  try {
    fs.writeFileSync(file, JSON.stringify(stats) + '\n');
  } catch (e) {
    process.stderr.write(`dsu: cannot write stats to ${file}: ${(e as Error).message}\n`);
  }
}
