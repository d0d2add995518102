// `dsu run [options] PROGRAM [ARGS...]`
import { CommandDef, CommandError, OptionDef, Parsed, UsageError } from './args.js';
import { startSession } from '../emulator/launch.js';
import { LaunchError } from '../emulator/exec.js';
import { ExitStatus } from '../emulator/process.js';
import { faultReportsWritten } from '../emulator/faults/report.js';
import type { ControlServer } from '../control/server.js';
import { ControlError } from '../control/protocol.js';
import { EngineLoadError } from '../emulator/engine/library.js';
import { printErr } from './output.js';
import { RunLog } from './run-log.js';
import { createLogger } from '../emulator/log.js';
import { signalName } from '../emulator/faults/fault.js';
import type { TraceSettings } from '../emulator/strace/settings.js';
import type { Tracer } from '../emulator/strace/tracer.js';
import type { GdbAddress } from '../debugger/gdb-server.js';

const RUN_OPTIONS: OptionDef[] = [
  { name: 'control', value: 'SOCK', complete: 'file', help: 'serve the control channel (dsu patch/status/rollback/modules/got) on the Unix socket SOCK, created with mode 0600 for its owner only' },
  { name: 'root', value: 'DIR', complete: 'directory', help: 'directory the program sees as / (default /); the strict form: nothing outside it is seen, except a minimal /dev and /proc when it has none' },
  { name: 'sysroot', value: 'DIR', complete: 'directory', help: 'as qemu-i386 -L: a path is looked up under DIR first, then on the host (read-only outside the writable directories), so a root holding only the program\'s own files runs with the host\'s libraries' },
  { name: 'rw', value: 'DIR', multiple: true, complete: 'directory', help: 'also allow writes under DIR (besides the current directory and /tmp); an absolute DIR is a path inside the root, a relative one is relative to the directory dsu is started in' },
  { name: 'env', value: 'K=V', multiple: true, help: 'add or override an environment variable' },
  { name: 'strace', help: 'print every system call, signal and exit as strace -f does, in whole lines on stderr' },
  { name: 'strace-file', short: 'o', value: 'FILE', complete: 'file', help: 'write the trace to FILE instead (created or truncated), the pid on every line, as strace -f -o does' },
  { name: 'strace-filter', value: 'SET', multiple: true, help: 'strace\'s -e: trace=SET (names, classes such as %file %net %process %signal %desc %memory %stat %clock, /regex, !SET), status=SET (successful failed unfinished unavailable detached) or signal=SET; a bare SET is trace=SET' },
  { name: 'strace-summary', help: 'at the end, strace -c\'s table of calls, errors and time per syscall; alone it replaces the trace, with --strace it follows it' },
  { name: 'strace-time', short: 'T', help: 'show the time spent in each call (strace -T)' },
  { name: 'strace-timestamps', short: 't', help: 'start each line with the time of day in microseconds (strace -tt; -tt is accepted)' },
  { name: 'strace-relative', short: 'r', help: 'start each line with the time since the previous line (strace -r)' },
  { name: 'stats', value: 'FILE', complete: 'file', help: 'write run statistics (slices, syscalls, threads, CPU time, peak RSS) as JSON to FILE' },
  { name: 'profile', help: 'with --stats: also split the host\'s time into guest code, syscall handlers and the rest' },
  { name: 'net-expose', help: 'serve the program\'s listening sockets on the addresses it binds (by default every bind, 0.0.0.0 included, is served on loopback only)' },
  { name: 'net-outbound', help: 'allow connections to non-loopback addresses (default: loopback only)' },
  { name: 'unix-abstract', help: 'allow Unix sockets in the abstract namespace, which is the whole host\'s (also allowed by --net-expose; refused with EPERM otherwise)' },
  { name: 'quantum', value: 'MS', help: 'preempt a guest that computes without syscalls every MS milliseconds (default 2)' },
  { name: 'rollback-depth', value: 'N', help: 'the newest N patches can always be rolled back (default 10); older ones that newer patches superseded are unmapped once nothing points into them' },
  { name: 'update-points', help: 'apply live patches only while the program is in dsu_update_point()' },
  { name: 'log', value: 'FILE', complete: 'file', help: 'write an event log to FILE: start, each patch requested, applied (wait, pause, stall), refused (reason, exit status) or rolled back, dsu\'s diagnostics (fault reports), exit' },
  { name: 'log-json', help: 'the log as JSON lines (one object per event, with the same fields)' },
  { name: 'verbose', short: 'v', help: 'the log\'s lines on stderr too' },
  { name: 'gdb', value: 'PORT', help: 'serve the GDB remote protocol on 127.0.0.1:PORT (0: a free port, printed on stderr) or on unix:PATH, with the program stopped before its first instruction until gdb continues it (`target remote :PORT`)' },
  { name: 'json', help: 'dsu\'s own failures (the program cannot start, a bad option) as one JSON object on stdout; the program\'s output is its own' },
];

const DEFAULT_ROLLBACK_DEPTH = 10;

function exitCodeOf(status: ExitStatus): number {
  return status.signal !== undefined ? 128 + status.signal : status.code;
}

/** The tracer's settings from the --strace options; any of them turns tracing on. */
function traceSettings(p: Parsed): TraceSettings | undefined {
  const file = p.options.get('strace-file')?.[0];
  const filter = p.options.get('strace-filter');
  const summary = p.flags.has('strace-summary');
  const durations = p.flags.has('strace-time');
  const timestamps = p.flags.has('strace-timestamps');
  const relative = p.flags.has('strace-relative');
  const any = p.flags.has('strace') || file !== undefined || filter !== undefined || summary || durations || timestamps || relative;
  if (!any) return undefined;
  // as strace -c: the summary alone replaces the trace; with --strace it follows it
  return { calls: p.flags.has('strace') || !summary, summary, durations, timestamps, relative, filter, file };
}

/** The tracer's maker, its modules loaded only when tracing is asked for; bad settings end the run (exit 2). */
async function loadTracer(settings: TraceSettings | undefined): Promise<((firstTask: number) => Tracer) | undefined> {
  if (!settings) return undefined;
  const { prepareTracer, TraceSettingsError } = await import('../emulator/strace/settings.js');
  try {
    return prepareTracer(settings);
  } catch (e) {
    if (e instanceof TraceSettingsError) throw new LaunchError(e.message, 2);
    throw e;
  }
}

async function runProgram(p: Parsed): Promise<number> {
  if (p.rest.length === 0) throw new UsageError('missing PROGRAM');
  const [program, ...args] = p.rest;
  const depth = p.options.get('rollback-depth')?.[0];
  if (depth !== undefined && !/^\d+$/.test(depth)) throw new UsageError(`--rollback-depth ${depth}: expected a whole number`);
  let control: ControlServer | null = null;
  let log: RunLog | null = null;
  try {
    const logFile = p.options.get('log')?.[0];
    try {
      log = RunLog.open({ file: logFile, verbose: p.flags.has('verbose'), json: p.flags.has('log-json') });
    } catch (e) {
      throw new CommandError(`--log ${logFile}: ${(e as Error).message}`);
    }
    const controlPath = p.options.get('control')?.[0];
    // the control server and the patcher are loaded only for a program that may be patched
    const attach = controlPath !== undefined ? await import('../control/attach.js') : null;
    if (controlPath !== undefined) {
      const { ControlServer } = await import('../control/server.js');
      const onLog = (line: string): void => {
        printErr(line + '\n');
        log?.event('control-refused', line.replace(/^dsu: control: /, ''));
      };
      control = new ControlServer(controlPath, onLog, (e) => log?.control(e));
      await control.listen();
    }
    const tracer = await loadTracer(traceSettings(p));
    const gdbOption = p.options.get('gdb')?.[0];
    const gdbModule = gdbOption !== undefined ? await import('../debugger/gdb-server.js') : null;
    let gdbAddress: GdbAddress | undefined;
    try {
      if (gdbModule && gdbOption !== undefined) gdbAddress = gdbModule.parseGdbAddress(gdbOption);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const session = startSession({
      program,
      args,
      root: p.options.get('root')?.[0],
      sysroot: p.options.get('sysroot')?.[0],
      rw: p.options.get('rw') ?? [],
      env: p.options.get('env') ?? [],
      tracer,
      log: log?.tee(createLogger()),
      statsFile: p.options.get('stats')?.[0],
      profile: p.flags.has('profile'),
      net: { exposeBinds: p.flags.has('net-expose'), allowOutbound: p.flags.has('net-outbound'), allowAbstractUnix: p.flags.has('unix-abstract') },
      quantumMs: p.options.has('quantum') ? Number(p.options.get('quantum')![0]) : undefined,
    });
    if (control && attach) attach.attachControl(control, session, { updatePoints: p.flags.has('update-points'), rollbackDepth: depth !== undefined ? Number(depth) : DEFAULT_ROLLBACK_DEPTH });
    // before anything awaits: the program must not run its first instruction before gdb says so
    const gdbStarting = gdbModule && gdbAddress ? gdbModule.GdbServer.start(session, gdbAddress) : null;
    const gdb = gdbStarting ? await gdbStarting.catch((e: Error) => {
      session.runner.terminate();
      throw new CommandError(`--gdb ${gdbOption}: ${e.message}`, 1);
    }) : null;
    if (gdb) printErr(`dsu: gdb: waiting for gdb on ${gdb.where}\n`);
    log?.start(program, args, session.proc.pid, controlPath);
    const status = await session.done;
    await gdb?.server.finish(status);
    await faultReportsWritten();
    log?.exit(status, signalName);
    return exitCodeOf(status);
  } catch (e) {
    if (e instanceof LaunchError) throw new CommandError(e.message, e.exitCode);
    if (e instanceof ControlError) throw new CommandError(e.message, 1);
    // Unicorn is not installed: the message names the Debian package
    if (e instanceof EngineLoadError) throw new CommandError(e.message, 1);
    throw e;
  } finally {
    control?.close();
    log?.close();
  }
}

export const runCommand: CommandDef = {
  name: 'run',
  summary: 'run a 32-bit x86 Linux program in the emulator',
  synopsis: ['[OPTIONS] PROGRAM [ARGS...]', '[OPTIONS] -- PROGRAM [ARGS...]'],
  description: 'dsu\'s options end at PROGRAM (or at --): everything after it is the program\'s own. The program sees the host\'s files (or --root DIR) read-only except under the current directory, /tmp and --rw DIRs, and sockets on loopback only unless --net-expose/--net-outbound say otherwise. The exit status is the program\'s (128+N when signal N ended it).',
  options: RUN_OPTIONS,
  stopAtPositional: true,
  positional: 'command',
  run: runProgram,
};
