// A server under test, started through a Runner (native, qemu-i386, dsu):
// its port is read from its "listening on port N" line (it is started with
// -p 0, so the kernel picks a free port), its CPU time and resident set are
// read from /proc while it serves, and it is stopped with SIGTERM. For dsu,
// the pid is the Node host process, so CPU and RSS are the host's (all its
// threads), and the stats file `dsu run --stats` writes at exit is read back.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { BenchFailure } from './matrix.js';
import { REPO } from './paths.js';
import { DsuStats, Runner } from './runners.js';

/** `dsu run --stats FILE --profile`: where the host's time went. */
interface DsuProfile {
  /** Inside the engine minus the syscall handlers (wall time of cpu.start). */
  guestMs: number;
  /** In syscall handlers, the host's own system calls included. */
  syscallMs: number;
  /** The rest of the host's CPU time (event loop, slices, start-up, GC). */
  otherCpuMs: number;
}

export type ServerStats = DsuStats & { profile?: DsuProfile };

export interface CpuTimes {
  userMs: number;
  systemMs: number;
}

export interface Stopped {
  /** Exit code, or 128 + signal. */
  status: number;
  stdout: string;
  stderr: string;
  /** dsu only: what `--stats` wrote at exit. */
  stats?: ServerStats;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const RSS_SAMPLE_MS = 50;

/** Servers still running: killed if the harness exits early, whatever the reason. */
const live = new Set<ChildProcess>();
function killLive(): void {
  for (const c of live) c.kill('SIGKILL');
}
process.on('exit', killLive);
/** While servers run, SIGINT/SIGTERM to the harness kill them first, then the harness as the signal would. */
function onSignal(signal: NodeJS.Signals): void {
  killLive();
  untrackSignals();
  process.kill(process.pid, signal);
}
function trackSignals(): void {
  if (live.size !== 1) return;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
function untrackSignals(): void {
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const n = Number(r.stdout?.trim());
    ticksPerSecond = r.status === 0 && n > 0 ? n : 100;
  }
  return ticksPerSecond;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.length > 0);
  return lines.length ? lines[lines.length - 1] : '';
}

export class ServerProcess {
  private out = '';
  private err = '';
  private exitStatus: number | null = null;
  private readonly exited: Promise<number>;

  private constructor(
    readonly label: string,
    private readonly child: ChildProcess,
    private readonly statsFile: string | undefined,
    /** Set once the ready line has been seen. */
    public port = 0,
  ) {
    live.add(child);
    trackSignals();
    child.stdout!.on('data', (d: Buffer) => (this.out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.err += d.toString()));
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        live.delete(child);
        if (live.size === 0) untrackSignals();
        this.exitStatus = code ?? 128 + (signal ? os.constants.signals[signal] : 0);
        resolve(this.exitStatus);
      });
    });
  }

  /**
   * Starts `program args` under `runner` and waits until it prints a line
   * matching `ready` (whose first group is the port).
   */
  static async start(runner: Runner, program: string, args: string[], ready: RegExp, label = runner.name): Promise<ServerProcess> {
    const why = runner.unavailable();
    if (why) throw new BenchFailure(`${label}: ${why}`);
    const c = runner.command(program, args);
    const child = spawn(c.cmd, c.argv, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new ServerProcess(label, child, c.statsFile);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new BenchFailure(`${label}: ${program} did not print its listening line within ${READY_TIMEOUT_MS / 1000} s; stderr: ${lastLine(server.err)}`));
      }, READY_TIMEOUT_MS);
      const onData = (): void => {
        const m = ready.exec(server.out);
        if (!m) return;
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        server.port = Number(m[1]);
        resolve();
      };
      child.stdout!.on('data', onData);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new BenchFailure(`${label}: cannot start ${c.cmd}: ${e.message}`));
      });
      void server.exited.then((status) => {
        clearTimeout(timer);
        reject(new BenchFailure(`${label}: ${program} exited with status ${status} before listening; stderr: ${lastLine(server.err)}`));
      });
    });
    return server;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exitStatus === null;
  }

  /** User and system CPU time so far, all threads (from /proc/PID/stat, clock-tick resolution). */
  cpu(): CpuTimes {
    const text = fs.readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces: count from the last ')'
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const tick = 1000 / clockTicks();
    return { userMs: Number(fields[11]) * tick, systemMs: Number(fields[12]) * tick };
  }

  /** A field of /proc/PID/status in KiB (VmRSS now, VmHWM the peak so far). */
  memoryKiB(field: 'VmRSS' | 'VmHWM'): number {
    try {
      const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return m ? Number(m[1]) : NaN;
    } catch {
      return NaN;
    }
  }

  /** Samples VmRSS every 50 ms until the returned function is called; it returns the peak. */
  sampleRss(): () => number {
    let peak = this.memoryKiB('VmRSS');
    const timer = setInterval(() => {
      const v = this.memoryKiB('VmRSS');
      if (v > peak || !Number.isFinite(peak)) peak = v;
    }, RSS_SAMPLE_MS);
    return () => {
      clearInterval(timer);
      const v = this.memoryKiB('VmRSS');
      return Math.max(peak, Number.isFinite(v) ? v : -Infinity);
    };
  }

  /** What it printed on stdout so far. */
  get stdout(): string {
    return this.out;
  }

  /** SIGTERM, then wait for the exit (SIGKILL after 20 s); reads dsu's stats file. */
  async stop(): Promise<Stopped> {
    if (this.running) this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve(-1);
      }, STOP_TIMEOUT_MS);
    });
    const status = await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    // 'exit' can come before the pipes are drained
    await new Promise((r) => setTimeout(r, 50));
    if (status === -1) {
      await this.exited;
      throw new BenchFailure(`${this.label}: did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM (killed)`);
    }
    let stats: ServerStats | undefined;
    if (this.statsFile) {
      try {
        stats = JSON.parse(fs.readFileSync(this.statsFile, 'utf8')) as ServerStats;
      } catch {
        // no stats: the caller sees the status
      } finally {
        fs.rmSync(this.statsFile, { force: true });
      }
    }
    return { status, stdout: this.out, stderr: this.err, stats };
  }

  /** For clean-up after a failure: SIGKILL if still running, no checks. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
    if (this.statsFile) fs.rmSync(this.statsFile, { force: true });
  }
}
