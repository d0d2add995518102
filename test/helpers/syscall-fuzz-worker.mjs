// Child process of test/hostile/syscall-fuzz.test.ts (a process, not a
// worker thread, so that a host crash does not take the test with it). It
// makes a guest process of the compiled emulator (dist/) without running it, and enters
// every row of the syscall table through the real dispatcher (registers in,
// EAX out) with wild pointers, huge and negative sizes, odd descriptors and
// random flags from a seeded generator. Before each call it writes the call
// to fd 3, so that the parent can name the call that crashed or hung this
// process. At the end it prints one JSON line of counts on stdout.
//   node syscall-fuzz-worker.mjs DIST_URL ROOT PROGRAM SEED CALLS_PER_ROW
import fs from 'node:fs';

const [distUrl, root, program, seedArg, perRowArg] = process.argv.slice(2);
const dist = new URL(distUrl);
const load = (p) => import(new URL(p, dist));
const { Machine } = await load('emulator/machine.js');
const { Vfs } = await load('emulator/files/vfs.js');
const { Process } = await load('emulator/process.js');
const { execProgram } = await load('emulator/exec.js');
const { allSyscallRows } = await load('emulator/syscalls/table.js');
const { SyscallDispatcher } = await load('emulator/syscalls/dispatch.js');
const { HostStream } = await load('emulator/files/host-stream.js');
const { createLogger } = await load('emulator/log.js');
const { Reg } = await load('emulator/engine/unicorn-consts.js');
const { processLimit, RLIMIT_NOFILE } = await load('emulator/syscalls/limits.js');

/** Rows that end or replace the process image: the harness would have nothing left to call. */
const SKIP = new Set(['exit', 'exit_group', 'execve', 'execveat']);
const SCRATCH = 0x10000000;
const PAGE = 4096;

// mulberry32: small, seeded, good enough to spread arguments
let seed = Number(seedArg) >>> 0;
function rand() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
}
const pick = (list) => list[Math.floor(rand() * list.length)];
const u32 = () => Math.floor(rand() * 2 ** 32);

const POINTERS = [0, 1, 0xfff, 0x1000, 0xffffffff, 0xfffffff0, 0xc0000000, 0x7fffffff, 0xbfff0000,
  SCRATCH, SCRATCH + PAGE - 4, SCRATCH + 2 * PAGE - 1, SCRATCH + 2 * PAGE];
const SIZES = [0, 1, 16, 4096, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff0, 0x10000];
const FDS = [-1, -100, 0, 1, 2, 3, 4, 5, 1023, 65535, 0x7fffffff];
const INTS = [0, 1, 2, 3, 0xffffffff, 0x80000000, 0x7fffffff, 0x800, 0x40];

function argument(kind) {
  if (rand() < 0.15) return u32();
  switch (kind) {
    case 'fd': case 'dirfd': return pick(FDS) >>> 0;
    case 'ptr': case 'str': case 'buf': case 'outbuf': case 'strarray': return pick(POINTERS) >>> 0;
    case 'size': return pick(SIZES) >>> 0;
    default: return rand() < 0.5 ? pick(INTS) >>> 0 : Math.floor(rand() * 64);
  }
}

const logPath = `${root}/dsu.log`;
const logFd = fs.openSync(logPath, 'w');
const log = createLogger({ fd: logFd });
const machine = new Machine();
const vfs = new Vfs({ root, cwd: '/', writable: ['/'] });
const uid = process.getuid();
const gid = process.getgid();
const ids = { pid: process.pid, ppid: process.ppid, uid, gid, euid: uid, egid: gid, suid: uid, sgid: gid, fsuid: uid, fsgid: gid, groups: [] };
const proc = new Process(machine, vfs, ids, log);
proc.fds.limit = Number(processLimit(proc, RLIMIT_NOFILE)[0]);
execProgram(proc, { program, argv: [program], envp: [] });
const devNull = () => fs.openSync('/dev/null', 'r+');
const stdio = () => [0, 1, 2].forEach((fd) => proc.fds.place(fd, new HostStream(devNull(), 2, '/dev/null', true)));
stdio();
const dispatcher = new SyscallDispatcher(allSyscallRows(), { strace: false });
const thread = proc.mainThread;
const ctx = { proc, thread, mem: proc.mem, stopCpu() {} };

/** The scratch pages the pointers aim at: two read-write pages of random bytes, NUL-ended. */
function refreshScratch() {
  try {
    proc.space.map(SCRATCH, 2 * PAGE, 3, 'anon', 'fuzz', {
      fill: (b) => {
        for (let i = 0; i < b.length; i++) b[i] = rand() < 0.2 ? 0 : Math.floor(rand() * 256);
      },
    });
  } catch {
    // the host had no memory for it: the pointers then aim at nothing
  }
}

const counts = { rows: 0, calls: 0, ok: 0, errors: 0, blocked: 0, slow: 0 };
const slowCalls = [];
const REGS = [Reg.EBX, Reg.ECX, Reg.EDX, Reg.ESI, Reg.EDI, Reg.EBP];
const rows = allSyscallRows().filter((r) => !SKIP.has(r.name)).sort((a, b) => a.nr - b.nr);
const perRow = Number(perRowArg);

for (const row of rows) {
  counts.rows++;
  for (let i = 0; i < perRow; i++) {
    if (counts.calls % 50 === 0) refreshScratch();
    const args = [0, 1, 2, 3, 4, 5].map((k) => (k < row.args.length ? argument(row.args[k]) : u32()));
    fs.writeSync(3, `${row.nr} ${row.name} ${args.map((a) => '0x' + a.toString(16)).join(' ')}\n`);
    machine.cpu.setReg(Reg.EAX, row.nr);
    args.forEach((a, k) => machine.cpu.setReg(REGS[k], a));
    const t0 = performance.now();
    dispatcher.enter(ctx);
    const ms = performance.now() - t0;
    counts.calls++;
    if (thread.pending) {
      // it would block: the runner would wait; the harness just takes the call back
      counts.blocked++;
      thread.pending = null;
      thread.state = 'runnable';
    } else {
      const r = machine.cpu.reg(Reg.EAX) | 0;
      if (r < 0 && r > -4096) counts.errors++;
      else counts.ok++;
    }
    if (ms > 200) {
      counts.slow++;
      slowCalls.push(`${row.name} ${Math.round(ms)} ms`);
    }
    // what the calls did to the process that would stop the rest: undone
    proc.exit = null;
    thread.syscallState = null;
    if (proc.fds.fds().length > 64 || !proc.fds.has(1)) {
      for (const fd of proc.fds.fds()) proc.fds.close(fd);
      stdio();
    }
  }
}

const internal = fs.readFileSync(logPath, 'utf8').split('\n').filter((l) => l.startsWith('dsu: internal error'));
fs.writeSync(1, JSON.stringify({ ...counts, internal, slowCalls }) + '\n');
process.exit(0);
