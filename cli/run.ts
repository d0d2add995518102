// `dsu run [options] PROGRAM [ARGS...]`
import { parseArgs, UsageError } from './args.js';
import { startSession } from '../emulator/launch.js';
import { LaunchError } from '../emulator/exec.js';
import { ExitStatus } from '../emulator/process.js';
import { faultReportsWritten } from '../emulator/faults/report.js';
import type { ControlServer } from '../control/server.js';
import { ControlError } from '../control/protocol.js';
import { printErr, printError, printOut } from './output.js';

export const RUN_USAGE = `usage: dsu run [OPTIONS] PROGRAM [ARGS...]
  --control SOCK serve the control channel (dsu patch/status/rollback/modules/got) on the
                 Unix socket SOCK, created with mode 0600 for its owner only
  --root DIR     directory the program sees as / (default /)
  --rw DIR       also allow writes under DIR (besides the current directory and /tmp); an
                 absolute DIR is a path inside the root, a relative one is relative to
                 the directory dsu is started in
  --env K=V      add or override an environment variable
  --strace       print every system call with its arguments and result
  --stats FILE   write run statistics (slices, syscalls, threads, CPU time, peak RSS) as JSON to FILE
  --net-expose   serve the program's listening sockets on the addresses it binds
                 (by default every bind, 0.0.0.0 included, is served on loopback only)
  --net-outbound allow connections to non-loopback addresses (default: loopback only)
  --unix-abstract allow Unix sockets in the abstract namespace, which is the whole host's
                 (also allowed by --net-expose; refused with EPERM otherwise)
  --quantum MS   preempt a guest that computes without syscalls every MS milliseconds (default 2)
  --profile      with --stats: also split the host's time into guest code, syscall handlers and the rest
  --rollback-depth N  the newest N patches can always be rolled back (default 10); older ones
                 that newer patches superseded are unmapped once nothing points into them
  --update-points apply live patches only while the program is in dsu_update_point()`;

const DEFAULT_ROLLBACK_DEPTH = 10;

function exitCodeOf(status: ExitStatus): number {
  return status.signal !== undefined ? 128 + status.signal : status.code;
}

export async function runCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { values: ['root', 'rw', 'env', 'quantum', 'stats', 'control', 'rollback-depth'], repeatable: ['rw', 'env'], flags: ['strace', 'help', 'net-expose', 'net-outbound', 'unix-abstract', 'update-points', 'profile'] });
  if (p.flags.has('help')) {
    printOut(RUN_USAGE + '\n');
    return 0;
  }
  if (p.rest.length === 0) throw new UsageError('dsu run: missing PROGRAM\n' + RUN_USAGE);
  const [program, ...args] = p.rest;
  const depth = p.options.get('rollback-depth')?.[0];
  if (depth !== undefined && !/^\d+$/.test(depth)) throw new UsageError(`dsu run: --rollback-depth ${depth}: expected a whole number`);
  let control: ControlServer | null = null;
  try {
    const controlPath = p.options.get('control')?.[0];
    // the control server and the patcher are loaded only for a program that may be patched
    const attach = controlPath !== undefined ? await import('../control/attach.js') : null;
    if (controlPath !== undefined) {
      const { ControlServer } = await import('../control/server.js');
      control = new ControlServer(controlPath, (line) => printErr(line + '\n'));
      await control.listen();
    }
    const session = startSession({
      program,
      args,
      root: p.options.get('root')?.[0],
      rw: p.options.get('rw') ?? [],
      env: p.options.get('env') ?? [],
      strace: p.flags.has('strace'),
      statsFile: p.options.get('stats')?.[0],
      profile: p.flags.has('profile'),
      net: { exposeBinds: p.flags.has('net-expose'), allowOutbound: p.flags.has('net-outbound'), allowAbstractUnix: p.flags.has('unix-abstract') },
      quantumMs: p.options.has('quantum') ? Number(p.options.get('quantum')![0]) : undefined,
    });
    if (control && attach) attach.attachControl(control, session, { updatePoints: p.flags.has('update-points'), rollbackDepth: depth !== undefined ? Number(depth) : DEFAULT_ROLLBACK_DEPTH });
    const status = await session.done;
    await faultReportsWritten();
    return exitCodeOf(status);
  } catch (e) {
    if (e instanceof LaunchError) {
      printError('dsu', e.message);
      return e.exitCode;
    }
    if (e instanceof ControlError) {
      printError('dsu', e.message);
      return 1;
    }
    throw e;
  } finally {
    control?.close();
  }
}
