// What is applied to a running program: the patches, newest last, for
// every function a patch replaced which version is live now, and its
// threads.
import type { Patcher } from './apply.js';
import { threadsOf, ThreadStatus } from './thread-status.js';
import { processesOf, ProcessStatus } from './process-tree.js';

export interface StatusReport {
  program: string;
  pid: number;
  /** What the program is now: the version the newest patch named (DSU_VERSION), else the executable's name. */
  version: string;
  /** Patches up to this id can no longer be rolled back (0: all can). */
  rollbackFloor: number;
  patches: {
    id: number;
    path: string;
    buildId: string | null;
    appliedAt: string;
    replaced: string[];
    added: string[];
    pauseMs: number;
    waitedMs: number;
    range: string;
    released: boolean;
    version: string | null;
  }[];
  functions: { function: string; original: string; live: string; versions: string[] }[];
  /** Rolled back, but still mapped because something pointed into them. */
  retired: { id: number; path: string; range: string; by: string }[];
  /** Patches rolled back so far, oldest first (released ones stay in `patches`, flagged). */
  rolledBack: { id: number; path: string; appliedAt: string; rolledBackAt: string; replaced: string[] }[];
  /** The program's threads: what each does and where. */
  threads: ThreadStatus[];
  /** The guest's processes: pid, parent, program, version. */
  processes: ProcessStatus[];
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

export function statusOf(patcher: Patcher): StatusReport {
  const { proc } = patcher.session;
  return {
    program: proc.exePath,
    pid: proc.pid,
    version: patcher.registry.currentVersion() ?? proc.exePath.split('/').pop()!,
    rollbackFloor: patcher.registry.rollbackFloor,
    patches: patcher.registry.patches.map((p) => ({
      id: p.id, path: p.path, buildId: p.buildId, appliedAt: p.appliedAt.toISOString(), replaced: p.replaced, added: p.added,
      pauseMs: Math.round(p.pauseMs * 1000) / 1000, waitedMs: Math.round(p.waitedMs * 1000) / 1000,
      range: `${hex(p.range.start)}-${hex(p.range.end)}`, released: p.released, version: p.version,
    })),
    functions: patcher.registry.allReplaced().map((f) => {
      const live = f.versions[f.versions.length - 1];
      return {
        function: f.key,
        original: `${hex(f.original.address)} (${f.original.module})`,
        live: live ? `patch #${live.patch} at ${hex(live.address)}` : 'original',
        versions: f.versions.map((v) => `patch #${v.patch} at ${hex(v.address)}`),
      };
    }),
    retired: patcher.registry.retired.map((r) => ({ id: r.id, path: r.path, range: `${hex(r.range.start)}-${hex(r.range.end)}`, by: r.by })),
    rolledBack: patcher.registry.rolledBack.map((r) => ({ id: r.id, path: r.path, appliedAt: r.appliedAt.toISOString(), rolledBackAt: r.rolledBackAt.toISOString(), replaced: r.replaced })),
    threads: threadsOf(patcher.session, patcher.model.moduleMap()),
    processes: processesOf(proc),
  };
}
