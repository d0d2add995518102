// Comparing `dsu run --strace-file` with the real `strace -f -o` on the same
// program: both run in fresh directories with a stdin that stays open (so a
// read waits until a signal ends it, as the samples expect), and their
// traces are normalised so that only what strace decodes is compared.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DSU } from './run.js';

export interface Traced {
  /** The trace file's lines. */
  lines: string[];
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function runHeld(cmd: string, argv: string[], cwd: string): Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    // stdout a pipe (what fstat reports of it is the same for both; /dev/null's mode varies by machine)
    const child = spawn(cmd, argv, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.resume();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stderr });
    });
    // stdin stays open (and empty) until the program ends
    child.stdin.on('error', () => {});
  });
}

async function traced(cmd: string, argv: (file: string) => string[]): Promise<Traced> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-strace-'));
  try {
    const file = path.join(dir, 'trace');
    fs.mkdirSync(path.join(dir, 'cwd'));
    const r = await runHeld(cmd, argv(file), path.join(dir, 'cwd'));
    const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0) : [];
    return { lines, ...r };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The real strace -f -o FILE with `options` on `program`. */
export function realStrace(program: string, options: string[] = []): Promise<Traced> {
  return traced('strace', (file) => ['-f', '-q', '-o', file, ...options, program]);
}

/** dsu run --strace-file FILE with `options` on `program`. */
export function dsuStrace(program: string, options: string[] = []): Promise<Traced> {
  return traced(process.execPath, (file) => [DSU, 'run', '--strace-file', file, ...options, program]);
}

/** Lines where a number may be a pid or tid (elsewhere a size could equal one). */
const PID_CALLS = /^(<\.\.\. )?(getpid|gettid|getppid|kill|tkill|tgkill|clone3?|futex|set_tid_address|wait4)\b|^---/;

/**
 * Lines from the program's marker call on (prctl(PR_SET_NAME, "trace-begin"):
 * what comes before is the dynamic loader's, whose mappings differ), made
 * comparable:
 *  - pids as P1, P2... in order of appearance, in the pid column and in
 *    the calls that take or return one;
 *  - addresses (hex of 5 digits or more), random bytes, clock readings and
 *    ports as placeholders;
 *  - glibc sets SA_RESTORER when the kernel maps no vDSO (dsu maps none);
 *  - the TLS entry glibc is given (the GDT slot differs between a 32-bit
 *    and a 64-bit kernel), and RLIMIT_NOFILE's values (dsu keeps a reserve
 *    of descriptors for itself) are masked;
 *  - rseq is left out (dsu does not offer it, so glibc stops asking);
 *  - spacing before " = " is collapsed (pids change the line's width).
 */
export function normalise(lines: string[]): string[] {
  const start = lines.findIndex((l) => l.includes('"trace-begin"'));
  const pids = new Map<string, string>();
  const pid = (p: string): string => {
    if (!pids.has(p)) pids.set(p, `P${pids.size + 1}`);
    return pids.get(p)!;
  };
  const out: string[] = [];
  for (const raw of lines.slice(Math.max(start, 0))) {
    const m = /^(\d+)\s+(.*)$/.exec(raw);
    if (!m) continue;
    let line = m[2];
    const who = pid(m[1]);
    if (/^(<\.\.\. )?rseq[( ]/.test(line)) continue;
    const created = /^(<\.\.\. clone3? resumed>|clone3?\().* = (\d+)$/.exec(line);
    if (created) pid(created[2]);
    if (PID_CALLS.test(line)) line = line.replace(/\b\d{3,7}\b/g, (n) => pids.get(n) ?? n);
    line = line.replace(/0x[0-9a-f]{5,}/g, '0xADDR');
    line = line.replace(/^getrandom\("[^"]*"/, 'getrandom(RANDOM');
    if (/^clock_gettime|^gettimeofday|^time\(/.test(line)) line = line.replace(/tv_(sec|nsec|usec)=\d+/g, 'tv_$1=N');
    line = line.replace(/htons\(\d+\)/g, 'htons(PORT)');
    // each run's own temporary directory
    line = line.replace(/\/dsu-strace-[A-Za-z0-9]{6}\//g, '/dsu-strace-DIR/');
    line = line.replace(/SA_RESTORER\|/g, '').replace(/, sa_restorer=0xADDR/g, '').replace(/sa_flags=SA_RESTORER\}/g, 'sa_flags=0}');
    line = line.replace(/entry_number=\d+/g, 'entry_number=N');
    // a child's CPU time: the emulated program is slower than the native one
    line = line.replace(/si_utime=\d+( \/\* [\d.]+ s \*\/)?, si_stime=\d+( \/\* [\d.]+ s \*\/)?/g, 'si_utime=N, si_stime=N');
    if (line.includes('RLIMIT_NOFILE')) line = line.replace(/rlim_(cur|max)=\d+/g, 'rlim_$1=N');
    line = line.replace(/\s+= /, ' = ');
    out.push(`${who} ${line}`);
  }
  return out;
}

/**
 * One thread's lines, its unfinished calls joined with their resumed halves;
 * futex calls left out (whether a lock is contended depends on scheduling)
 * and descriptor numbers masked (the threads share one table, so which
 * thread gets which number depends on scheduling too).
 */
export function threadLines(lines: string[], who: string): string[] {
  const out: string[] = [];
  let open = '';
  for (const l of lines) {
    if (!l.startsWith(who + ' ')) continue;
    const body = l.slice(who.length + 1);
    const cut = body.match(/^(.*) <unfinished \.\.\.>$/);
    if (cut) {
      open = cut[1];
      continue;
    }
    const resumed = body.match(/^<\.\.\. \w+ resumed>(.*)$/);
    if (resumed) {
      if (!open.startsWith('futex(')) out.push(maskFds((open + resumed[1]).replace(/\s+= /, ' = ')));
      open = '';
      continue;
    }
    if (!body.startsWith('futex(')) out.push(maskFds(body));
  }
  return out;
}

function maskFds(line: string): string {
  return line.replace(/^pipe2\(\[\d+, \d+\]/, 'pipe2([FD, FD]').replace(/^(read|write|close|dup2?|fcntl64)\(\d+/, '$1(FD').replace(/^(dup2?|open|openat|socket)\((.*) = \d+$/, '$1($2 = FD');
}

/** strace -c's table as calls and errors per syscall (every table of the output, the time columns left out). */
export function summaryCounts(lines: string[]): Map<string, { calls: number; errors: number }> {
  const counts = new Map<string, { calls: number; errors: number }>();
  for (const l of lines) {
    const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(\d+)?\s*(\w+)$/.exec(l);
    if (!m || m[3] === 'total') continue;
    const c = counts.get(m[3]) ?? { calls: 0, errors: 0 };
    c.calls += Number(m[1]);
    c.errors += Number(m[2] ?? 0);
    counts.set(m[3], c);
  }
  return counts;
}
