// The ways to run a 32-bit x86 program that benchmarks compare: directly on
// the host kernel, under qemu-i386 (user-mode QEMU) and under `dsu run`.
// A runner only knows how to build a command line; timing is process-timer's.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DSU_CLI, REPO } from './paths.js';
import { execute, Execution } from './process-timer.js';

/** What `dsu run --stats FILE` writes at exit. */
export interface DsuStats {
  status: { code?: number; signal?: number };
  slices: number;
  syscalls: number;
  wallMs: number;
  userCpuMs: number;
  systemCpuMs: number;
  maxRssKiB: number;
  /** Threads the guest started, the most alive at once, and the engine's switches between them. */
  threads?: { started: number; peak: number; switches: number };
}

export interface Sample extends Execution {
  /** Present for dsu runs. */
  stats?: DsuStats;
}

interface Command {
  cmd: string;
  argv: string[];
  statsFile?: string;
}

export interface Runner {
  /** Short name used in tables and JSON ("native", "qemu-i386", "dsu", "dsu --quantum 5"). */
  readonly name: string;
  /** Why the runner cannot be used on this machine, or null when it can. */
  unavailable(): string | null;
  command(program: string, args: string[]): Command;
}

export const NATIVE = 'native';
export const QEMU = 'qemu-i386';
export const DSU = 'dsu';

const TIMEOUT_MS = 300_000;

let statsCounter = 0;
function statsPath(): string {
  return path.join(os.tmpdir(), `dsu-bench-${process.pid}-${statsCounter++}.json`);
}

export const native: Runner = {
  name: NATIVE,
  unavailable: () => null,
  command: (program, args) => ({ cmd: program, argv: args }),
};

let qemuProbe: string | null | undefined;
export const qemu: Runner = {
  name: QEMU,
  unavailable() {
    if (qemuProbe === undefined) {
      const r = spawnSync('qemu-i386', ['--version'], { encoding: 'utf8' });
      qemuProbe = r.status === 0 ? null : 'qemu-i386 not found (Debian package qemu-user)';
    }
    return qemuProbe;
  },
  command: (program, args) => ({ cmd: 'qemu-i386', argv: [program, ...args] }),
};

/** `dsu run`, optionally with extra options such as ['--quantum', '5']. */
export function dsu(options: string[] = []): Runner {
  return {
    name: [DSU, ...options].join(' '),
    unavailable: () =>
      fs.existsSync(path.join(REPO, 'dist', 'cli', 'main.js')) ? null : 'dsu is not built (npx tsc -p .)',
    command(program, args) {
      const statsFile = statsPath();
      return { cmd: process.execPath, argv: [DSU_CLI, 'run', '--stats', statsFile, ...options, program, ...args], statsFile };
    },
  };
}

export async function run(runner: Runner, program: string, args: string[]): Promise<Sample> {
  const c = runner.command(program, args);
  const result: Sample = await execute(c.cmd, c.argv, TIMEOUT_MS);
  if (c.statsFile) {
    try {
      result.stats = JSON.parse(fs.readFileSync(c.statsFile, 'utf8')) as DsuStats;
    } catch {
      // no stats: the run failed before exit; the caller sees the status
    } finally {
      fs.rmSync(c.statsFile, { force: true });
    }
  }
  return result;
}

/**
 * Peak resident set size of one run in KiB, through GNU time (an extra,
 * untimed run). For dsu this is the Node host process, as in --stats.
 */
export async function peakRssKiB(runner: Runner, program: string, args: string[]): Promise<number> {
  if (!fs.existsSync('/usr/bin/time')) return NaN;
  const c = runner.command(program, args);
  const out = statsPath();
  try {
    const r = await execute('/usr/bin/time', ['-o', out, '-f', '%M', c.cmd, ...c.argv], TIMEOUT_MS);
    if (r.status !== 0) return NaN;
    return Number(fs.readFileSync(out, 'utf8').trim().split('\n').pop());
  } finally {
    fs.rmSync(out, { force: true });
    if (c.statsFile) fs.rmSync(c.statsFile, { force: true });
  }
}
