// A guest cannot reach a host process by pid. The test starts a host
// process of its own (leading its own process group) and runs a guest that
// aims every pid-taking call at it: signals, priorities, scheduling,
// limits, pidfds, process memory, kcmp, groups and sessions, file owners. Every call
// must answer as for a pid outside the guest's namespace (ESRCH; ECHILD for
// waitid), the host process must survive untouched, and the guest's own
// process must still take the signals it sends itself by pid.
// The program is never run natively: as root it would do what it tries.
import { afterEach, describe, expect, test } from 'vitest';
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BUILD, DSU, runDsu } from '../helpers/run.js';

const PROGRAM = path.join(BUILD, 'hostile', 'pid_reach');
const BROADCAST = path.join(BUILD, 'hostile', 'pid_broadcast');
/** A fresh pid namespace (root, or CAP_SYS_ADMIN): where a broadcast kill can be tried without risk to the machine. */
const CAN_UNSHARE = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;

const REFUSED = [
  'kill(pid, 0)', 'kill(pid, SIGKILL)', 'kill(pid, SIGTERM)', 'kill(-pgid, SIGKILL)', 'kill(-1, 0)', 'kill(INT_MIN, 0)',
  'tkill(pid, SIGKILL)', 'tgkill(pid, pid, SIGKILL)', 'rt_sigqueueinfo(pid)', 'rt_tgsigqueueinfo(pid)', 'sigqueue(pid)',
  'setpriority(PROCESS, pid, 19)', 'setpriority(PGRP, pid, 19)', 'getpriority(PROCESS, pid)',
  'sched_setscheduler(pid, IDLE)', 'sched_getscheduler(pid)', 'sched_setparam(pid)', 'sched_getparam(pid)',
  'sched_setaffinity(pid)', 'sched_getaffinity(pid)', 'sched_rr_get_interval(pid)',
  'prlimit64(pid, NOFILE, {1,1})', 'prlimit64(pid, NOFILE, get)', 'ioprio_set(PROCESS, pid)', 'ioprio_get(PROCESS, pid)',
  'pidfd_open(pid)', 'process_vm_readv(pid)', 'process_vm_writev(pid)', 'kcmp(pid, self, FILE)',
  'getpgid(pid)', 'getsid(pid)', 'setpgid(pid, 0)', 'get_robust_list(pid)',
  'F_SETOWN(pid)', 'F_SETOWN(-pgid)', 'F_SETOWN_EX(pid)',
];

const SELF = [
  'waitid(P_PID, pid) = ECHILD',
  'kill(getpid(), SIGUSR1) = 0', 'kill(0, SIGUSR1) = 0', 'kill(-getpgrp(), SIGUSR1) = 0', 'tgkill(self) = 0',
  'pidfd_send_signal(self) = 0', 'arrived = 5',
  'setpriority(PROCESS, 0, 5) = 0', 'getpriority(PROCESS, getpid()) = 5',
  'process_vm_readv(self) = 4', 'copied = 42',
];

/** Fields of /proc/PID/stat after the command name: state is [0], nice [16], policy [38]. */
function statFields(pid: number): string[] {
  const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

let victim: ChildProcess | null = null;

afterEach(() => {
  victim?.kill('SIGKILL');
  victim = null;
});

describe('a guest cannot reach host processes by pid', () => {
  for (const variant of ['dyn', 'static']) {
    test(`every pid call aimed at a host process is ESRCH and the process is untouched (${variant})`, async () => {
      // its own session and process group, so that -pid names its group
      victim = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
      const pid = victim.pid!;
      let died = false;
      victim.on('exit', () => (died = true));
      const limitsBefore = fs.readFileSync(`/proc/${pid}/limits`, 'utf8');
      const statBefore = statFields(pid);

      const r = await runDsu(`${PROGRAM}.${variant}`, { args: [String(pid)] });
      const expected = [...REFUSED.map((c) => `${c} = ESRCH`), ...SELF].join('\n') + '\n';
      expect(r.stdout.toString()).toBe(expected);
      expect(r.status).toBe(0);

      // give a stray signal time to land before looking
      await new Promise((res) => setTimeout(res, 200));
      expect(died).toBe(false);
      expect(() => process.kill(pid, 0)).not.toThrow();
      const statAfter = statFields(pid);
      expect(statAfter[16]).toBe(statBefore[16]); // nice
      expect(statAfter[38]).toBe(statBefore[38]); // scheduling policy
      expect(fs.readFileSync(`/proc/${pid}/limits`, 'utf8')).toBe(limitsBefore);
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      expect(/^ShdPnd:\s*0+$/m.test(status) && /^SigPnd:\s*0+$/m.test(status)).toBe(true);
    });
  }

  // kill(-1, sig) broadcasts to every process the caller may signal: tried in
  // a pid namespace of its own, beside a victim, so that a dsu that let it
  // through would end that victim and nothing else on the machine
  for (const variant of ['dyn', 'static']) {
    test.skipIf(!CAN_UNSHARE)(`kill(-1, SIGSTOP/SIGTERM/SIGKILL) reaches no host process (${variant})`, () => {
      const script = 'sleep 600 & v=$!; "$@"; echo "status $?"; sleep 0.2; ' +
        'kill -0 $v && echo "victim $(sed -n "s/^State:[[:space:]]*\\([A-Z]\\).*/\\1/p" /proc/$v/status)"; kill -9 $v';
      const r = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', 'sh', '-c', script, 'sh',
        process.execPath, DSU, 'run', `${BROADCAST}.${variant}`], { encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe([
        'kill(-1, SIGSTOP) = ESRCH', 'kill(-1, SIGTERM) = ESRCH', 'kill(-1, SIGKILL) = ESRCH', 'still here',
        'status 0', 'victim S', '',
      ].join('\n'));
    });
  }
});
