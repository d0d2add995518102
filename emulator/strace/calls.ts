// Calls whose arguments strace decodes by what another argument says, so
// that a kind per argument is not enough: futex (the op decides which
// arguments exist), fcntl (the command), ioctl (the request), prctl (the
// option), socket options (the level), clone and clone3, poll, and the
// calls with a worded result (umask, set_thread_area, sigreturn).
import { Reg } from '../engine/unicorn-consts.js';
import { RT_SIGFRAME, SIGFRAME, UCONTEXT } from '../abi/signal-frame.js';
import type { CallDecoder } from './format.js';
import { kindArgs, type ArgText, type CallView } from './kinds.js';
import { flags, modeArg, named, namedOr, openFlags, signalArg, type Xlat } from './xlat.js';
import { FCNTL_COMMANDS, fdFlagNames, LOCK_TYPES, whence } from './xlat-fs.js';
import { cloneFlags, futexOp, mlock2Flags, mremapFlags, PRCTL_OPTIONS, schedPolicyName } from './xlat-process.js';
import { family, level, protocol, socketOption, socketType } from './xlat-net.js';
import { signalSet } from './xlat-signal.js';
import { fdPair, intIn, timespec, userDesc } from './structs.js';
import { pollAnswers, pollRequests } from './structs-net.js';
import { cstringBytes, hex, orPointer, pointer, quote } from './quote.js';

const arg = (show: () => string, exit = false, glue?: string): ArgText => ({ show, exit, glue });
const mem = (v: CallView) => v.ctx.mem;
const ok = (v: CallView): boolean => v.result !== undefined && v.result >= 0;

const FUTEX_BITSET_MATCH_ANY = 0xffffffff;
const WAKE_OPS: Xlat = [['FUTEX_OP_SET', 0], ['FUTEX_OP_ADD', 1], ['FUTEX_OP_OR', 2], ['FUTEX_OP_ANDN', 3], ['FUTEX_OP_XOR', 4]];
const WAKE_CMPS: Xlat = [
  ['FUTEX_OP_CMP_EQ', 0], ['FUTEX_OP_CMP_NE', 1], ['FUTEX_OP_CMP_LT', 2], ['FUTEX_OP_CMP_LE', 3], ['FUTEX_OP_CMP_GT', 4], ['FUTEX_OP_CMP_GE', 5],
];



function wakeOp(val3: number): string {
  const shift = (val3 >>> 28) & 8 ? 'FUTEX_OP_OPARG_SHIFT<<28|' : '';
  return `${shift}${named((val3 >>> 28) & 7, WAKE_OPS)}<<28|${hex((val3 >>> 12) & 0xfff)}<<12|` +
    `${named((val3 >>> 24) & 0xf, WAKE_CMPS)}<<24|${hex(val3 & 0xfff)}`;
}

/** futex and futex_time64: the arguments the operation uses. */
function futex(wide: boolean): CallDecoder {
  return {
    args(v) {
      const [uaddr, op, val, timeout, uaddr2, val3] = v.args;
      const u = (n: number) => () => String(n >>> 0);
      const ts = () => orPointer(timeout, () => timespec(mem(v), timeout, wide));
      const bitset = () => (val3 >>> 0 === FUTEX_BITSET_MATCH_ANY ? 'FUTEX_BITSET_MATCH_ANY' : hex(val3));
      const out = [arg(() => hex(uaddr)), arg(() => futexOp(op))];
      switch (op & 0x7f) {
        case 0: out.push(arg(u(val)), arg(ts)); break;
        case 6: case 13: out.push(arg(ts)); break;
        case 9: out.push(arg(u(val)), arg(ts), arg(bitset)); break;
        case 10: out.push(arg(u(val)), arg(bitset)); break;
        case 3: out.push(arg(u(val)), arg(u(timeout)), arg(() => hex(uaddr2))); break;
        case 4: case 12: out.push(arg(u(val)), arg(u(timeout)), arg(() => hex(uaddr2)), arg(u(val3))); break;
        case 5: out.push(arg(u(val)), arg(u(timeout)), arg(() => hex(uaddr2)), arg(() => wakeOp(val3))); break;
        case 11: out.push(arg(u(val)), arg(ts), arg(() => hex(uaddr2))); break;
        case 7: case 8: break;
        default: out.push(arg(u(val))); break;
      }
      return out;
    },
  };
}

/** struct flock (32-bit fields) or flock64. */
function flock(v: CallView, p: number, wide: boolean, withPid: boolean): string {
  const m = mem(v);
  const start = wide ? m.i64(p + 4) : BigInt(m.i32(p + 4));
  const len = wide ? m.i64(p + 12) : BigInt(m.i32(p + 8));
  const pid = withPid ? `, l_pid=${m.i32(p + (wide ? 20 : 12))}` : '';
  return `{l_type=${namedOr(m.u16(p), LOCK_TYPES, 'F_???')}, l_whence=${whence(m.u16(p + 2))}, l_start=${start}, l_len=${len}${pid}}`;
}

const SEALS: Xlat = [['F_SEAL_SEAL', 1], ['F_SEAL_SHRINK', 2], ['F_SEAL_GROW', 4], ['F_SEAL_WRITE', 8], ['F_SEAL_FUTURE_WRITE', 0x10]];
const seals = (v: number): string => flags(v, SEALS);

const F = Object.fromEntries(FCNTL_COMMANDS.map(([name, value]) => [name, value])) as Record<string, number>;

const fcntl: CallDecoder = {
  args(v) {
    const [fd, cmd, x] = v.args;
    const out = [arg(() => String(fd | 0)), arg(() => namedOr(cmd, FCNTL_COMMANDS, 'F_???'))];
    const lock = (wide: boolean, get: boolean): ArgText => arg(() => orPointer(x, () => flock(v, x, wide, get)), get);
    switch (cmd) {
      case F.F_SETFD: out.push(arg(() => fdFlagNames(x))); break;
      case F.F_SETFL: out.push(arg(() => openFlags(x))); break;
      case F.F_SETOWN: case F.F_SETPIPE_SZ: out.push(arg(() => String(x | 0))); break;
      // strace shows the lowest fd wanted unsigned
      case F.F_DUPFD: case F.F_DUPFD_CLOEXEC: out.push(arg(() => String(x >>> 0))); break;
      case F.F_ADD_SEALS: out.push(arg(() => seals(x))); break;
      case F.F_SETLK: case F.F_SETLKW: out.push(lock(false, false)); break;
      case F.F_GETLK: out.push(lock(false, true)); break;
      case F.F_SETLK64: case F.F_SETLKW64: case F.F_OFD_SETLK: case F.F_OFD_SETLKW: out.push(lock(true, false)); break;
      case F.F_GETLK64: case F.F_OFD_GETLK: out.push(lock(true, true)); break;
      case F.F_SETSIG: out.push(arg(() => signalArg(x))); break;
      case F.F_SETLEASE: out.push(arg(() => named(x, LOCK_TYPES))); break;
      case F.F_GETFD: case F.F_GETFL: case F.F_GETOWN: case F.F_GETSIG: case F.F_GETLEASE: case F.F_GETPIPE_SZ: case F.F_GET_SEALS: break;
      default: out.push(arg(() => hex(x))); break;
    }
    return out;
  },
  result(v, r) {
    const cmd = v.args[1];
    if (cmd === F.F_GETFL || cmd === F.F_GETLEASE) return hex(r);
    if ((cmd === F.F_GETFD || cmd === F.F_GET_SEALS) && r !== 0) return hex(r);
    return undefined;
  },
  note(v, r) {
    const cmd = v.args[1];
    if (cmd === F.F_GETFL) return ` (flags ${openFlags(r)})`;
    if (cmd === F.F_GETFD && r !== 0) return ` (flags ${fdFlagNames(r)})`;
    if (cmd === F.F_GETLEASE) return ` (${named(r, LOCK_TYPES)})`;
    if (cmd === F.F_GETSIG && r !== 0) return ` (${signalArg(r)})`;
    if (cmd === F.F_GET_SEALS && r !== 0) return ` (seals ${seals(r)})`;
    return undefined;
  },
};

const IOCTLS: Xlat = [
  ['TCGETS', 0x5401], ['TCSETS', 0x5402], ['TCSETSW', 0x5403], ['TCSETSF', 0x5404], ['TCGETA', 0x5405], ['TCSETA', 0x5406],
  ['TCSBRK', 0x5409], ['TCXONC', 0x540a], ['TCFLSH', 0x540b], ['TIOCEXCL', 0x540c], ['TIOCNXCL', 0x540d],
  ['TIOCSCTTY', 0x540e], ['TIOCGPGRP', 0x540f], ['TIOCSPGRP', 0x5410], ['TIOCOUTQ', 0x5411], ['TIOCSTI', 0x5412],
  ['TIOCGWINSZ', 0x5413], ['TIOCSWINSZ', 0x5414], ['TIOCMGET', 0x5415], ['TIOCINQ', 0x541b], ['TIOCLINUX', 0x541c],
  ['TIOCCONS', 0x541d], ['TIOCNOTTY', 0x5422], ['TIOCGSID', 0x5429], ['TCGETS2', 0x802c542a], ['TCSETS2', 0x402c542b],
  ['TIOCGPTN', 0x80045430], ['TIOCSPTLCK', 0x40045431], ['TIOCGDEV', 0x80045432], ['TIOCGPTPEER', 0x5441],
  ['FIONBIO', 0x5421], ['FIONCLEX', 0x5450], ['FIOCLEX', 0x5451], ['FIOASYNC', 0x5452], ['FIOQSIZE', 0x5460],
  ['FIOGETOWN', 0x8903], ['SIOCGPGRP', 0x8904], ['SIOCATMARK', 0x8905], ['SIOCGSTAMP_OLD', 0x8906],
  ['SIOCGIFNAME', 0x8910], ['SIOCGIFCONF', 0x8912], ['SIOCGIFFLAGS', 0x8913], ['SIOCGIFADDR', 0x8915],
  ['SIOCGIFBRDADDR', 0x8919], ['SIOCGIFNETMASK', 0x891b], ['SIOCGIFMTU', 0x8921], ['SIOCGIFHWADDR', 0x8927],
  ['SIOCGIFINDEX', 0x8933], ['FS_IOC_GETFLAGS', 0x80046601], ['FS_IOC_SETFLAGS', 0x40046602],
  ['FICLONE', 0x40049409], ['BLKGETSIZE64', 0x80041272], ['RNDGETENTCNT', 0x80045200],
];
const FIONREAD = 0x541b;

const ioctl: CallDecoder = {
  args(v) {
    const [fd, req, x] = v.args;
    const request = req >>> 0;
    const out = [arg(() => String(fd | 0)), arg(() => (request === FIONREAD ? 'FIONREAD' : named(request, IOCTLS, hex(request))))];
    if (request === 0x5451 || request === 0x5450 || request === 0x5422) return out;
    if (request === FIONREAD || request === 0x5411 || request === 0x80045430) {
      out.push(arg(() => (ok(v) ? orPointer(x, () => intIn(mem(v), x)) : pointer(x)), true));
    } else if (request === 0x5421 || request === 0x5452 || request === 0x40045431) {
      out.push(arg(() => orPointer(x, () => intIn(mem(v), x))));
    } else if (request === 0x5413) {
      const winsize = (): string => {
        const m = mem(v);
        return `{ws_row=${m.u16(x)}, ws_col=${m.u16(x + 2)}, ws_xpixel=${m.u16(x + 4)}, ws_ypixel=${m.u16(x + 6)}}`;
      };
      out.push(arg(() => (ok(v) ? orPointer(x, winsize) : pointer(x)), true));
    } else {
      out.push(arg(() => pointer(x), (request & 0x80000000) !== 0 || request === 0x5401));
    }
    return out;
  },
};

function prctlRest(v: CallView, from: number): ArgText[] {
  return v.args.slice(from, 5).map((x) => arg(() => hex(x)));
}

const prctl: CallDecoder = {
  args(v) {
    const [option, a2] = v.args;
    const out = [arg(() => named(option, PRCTL_OPTIONS))];
    const name = named(option, PRCTL_OPTIONS);
    switch (name) {
      case 'PR_SET_NAME': out.push(arg(() => orPointer(a2, () => quote(cstringBytes(mem(v), a2, 16), 15)))); break;
      case 'PR_GET_NAME': out.push(arg(() => (ok(v) ? orPointer(a2, () => quote(cstringBytes(mem(v), a2, 16), 16)) : pointer(a2)), true)); break;
      case 'PR_SET_PDEATHSIG': out.push(arg(() => (a2 > 128 ? String(a2) : signalArg(a2)))); break;
      case 'PR_GET_PDEATHSIG': out.push(arg(() => (ok(v) ? orPointer(a2, () => `[${signalArg(mem(v).i32(a2))}]`) : pointer(a2)), true)); break;
      case 'PR_GET_DUMPABLE': case 'PR_GET_KEEPCAPS': case 'PR_GET_SECCOMP': case 'PR_GET_TIMERSLACK': case 'PR_GET_TIMING':
      case 'PR_TASK_PERF_EVENTS_DISABLE': case 'PR_TASK_PERF_EVENTS_ENABLE': break;
      case 'PR_SET_DUMPABLE': out.push(arg(() => named(a2, [['SUID_DUMP_DISABLE', 0], ['SUID_DUMP_USER', 1], ['SUID_DUMP_ROOT', 2]]))); break;
      case 'PR_SET_KEEPCAPS': case 'PR_SET_CHILD_SUBREAPER': case 'PR_SET_TIMING': out.push(arg(() => String(a2 >>> 0))); break;
      case 'PR_SET_NO_NEW_PRIVS': case 'PR_SET_THP_DISABLE': case 'PR_SET_IO_FLUSHER':
        out.push(arg(() => String(a2 >>> 0)), ...prctlRest(v, 2));
        break;
      default: out.push(...prctlRest(v, 1)); break;
    }
    return out;
  },
};

const socket: CallDecoder = {
  args(v) {
    const [fam, type, proto] = v.args;
    return [arg(() => family(fam)), arg(() => socketType(type)), arg(() => protocol(fam, proto))];
  },
};

const socketpair: CallDecoder = {
  args(v) {
    const [fam, type, proto, sv] = v.args;
    return [arg(() => family(fam)), arg(() => socketType(type)), arg(() => protocol(fam, proto)), arg(() => (ok(v) ? orPointer(sv, () => fdPair(mem(v), sv)) : pointer(sv)), true)];
  },
};

/** An option value of `len` bytes: [int] for an int, the bytes otherwise. */
function optionValue(v: CallView, p: number, len: number): string {
  if (len === 4) return intIn(mem(v), p);
  return quote(mem(v).readable(p, Math.min(len, 33)));
}

const setsockopt: CallDecoder = {
  args(v) {
    const [fd, lvl, name, val, len] = v.args;
    return [
      arg(() => String(fd | 0)), arg(() => level(lvl)), arg(() => socketOption(lvl, name)),
      arg(() => orPointer(val, () => optionValue(v, val, len | 0))), arg(() => String(len | 0)),
    ];
  },
};

const getsockopt: CallDecoder = {
  args(v) {
    const [fd, lvl, name, val, lenp] = v.args;
    return [
      arg(() => String(fd | 0)), arg(() => level(lvl)), arg(() => socketOption(lvl, name)),
      arg(() => (ok(v) ? orPointer(val, () => optionValue(v, val, mem(v).i32(lenp))) : pointer(val)), true),
      arg(() => orPointer(lenp, () => `[${mem(v).i32(lenp)}]`), true),
    ];
  },
};

function poll(timeoutKind: 'int' | 'timespec' | 'timespec64'): CallDecoder {
  return {
    args(v) {
      const [fds, n, timeout, mask, size] = v.args;
      const out = [arg(() => orPointer(fds, () => pollRequests(mem(v), fds, n >>> 0))), arg(() => String(n >>> 0))];
      if (timeoutKind === 'int') out.push(arg(() => String(timeout | 0)));
      else {
        out.push(arg(() => orPointer(timeout, () => timespec(mem(v), timeout, timeoutKind === 'timespec64'))));
        out.push(arg(() => orPointer(mask, () => signalSet(mem(v).u64(mask)))), arg(() => String(size >>> 0)));
      }
      return out;
    },
    note(v, r) {
      if (r === 0) return ' (Timeout)';
      return ` (${pollAnswers(mem(v), v.args[0], v.args[1] >>> 0)})`;
    },
  };
}

const CLONE_PARENT_SETTID = 0x100000;
const CLONE_SETTLS = 0x80000;
const CLONE_CHILD_SETTID = 0x1000000;
const CLONE_CHILD_CLEARTID = 0x200000;
const CSIGNAL = 0xff;

/** clone on i386: flags, stack, parent_tid, tls, child_tid. */
const clone: CallDecoder = {
  args(v) {
    const [raw, stack, ptid, tls, ctid] = v.args;
    const cflags = raw & ~CSIGNAL;
    const sig = raw & CSIGNAL;
    const flagText = (): string => {
      if (cflags === 0) return signalArg(sig);
      return sig ? `${cloneFlags(cflags)}|${signalArg(sig)}` : cloneFlags(cflags);
    };
    const out = [arg(() => `child_stack=${pointer(stack)}`), arg(() => `flags=${flagText()}`)];
    if (cflags & CLONE_PARENT_SETTID) out.push(arg(() => `parent_tid=${ok(v) ? orPointer(ptid, () => intIn(mem(v), ptid)) : pointer(ptid)}`, true));
    if (cflags & CLONE_SETTLS) out.push(arg(() => `tls=${orPointer(tls, () => userDesc(mem(v), tls))}`, true));
    if (cflags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) out.push(arg(() => `child_tidptr=${pointer(ctid)}`, true));
    return out;
  },
};

/** clone3: the struct clone_args (64-bit fields), and what the call wrote back. */
const clone3: CallDecoder = {
  args(v) {
    const [p, size] = v.args;
    const m = mem(v);
    const u64 = (off: number): bigint => m.u64(p + off);
    const addr = (off: number): string => {
      const x = u64(off);
      return x === 0n ? 'NULL' : '0x' + x.toString(16);
    };
    const struct = (): string => {
      const f = Number(u64(0) & 0xffffffffn);
      const fields = [`flags=${cloneFlags(f)}`];
      if (f & 0x1000) fields.push(`pidfd=${addr(8)}`);
      if (f & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) fields.push(`child_tid=${addr(16)}`);
      if (f & CLONE_PARENT_SETTID) fields.push(`parent_tid=${addr(24)}`);
      fields.push(`exit_signal=${signalArg(Number(u64(32)))}`, `stack=${addr(40)}`, `stack_size=${'0x' + u64(48).toString(16)}`);
      if (f & CLONE_SETTLS) fields.push(`tls=${orPointer(Number(u64(56)), () => userDesc(m, Number(u64(56))))}`);
      return `{${fields.join(', ')}}`;
    };
    let setsTid = false;
    try {
      setsTid = (Number(u64(0) & 0xffffffffn) & CLONE_PARENT_SETTID) !== 0;
    } catch {
      // unreadable: shown as its address
    }
    const out = [arg(() => orPointer(p, struct))];
    if (setsTid) out.push(arg(() => (ok(v) ? ` => {parent_tid=[${m.i32(Number(u64(24)))}]}` : ''), true, ''));
    out.push(arg(() => String(size >>> 0), setsTid));
    return out;
  },
};

/** set_thread_area: the descriptor given, and the entry chosen when it asked for one. */
const setThreadArea: CallDecoder = {
  args(v) {
    const p = v.args[0];
    if (v.result === undefined) v.saved?.set(0, orPointer(p, () => String(mem(v).i32(p))));
    return [arg(() => orPointer(p, () => userDesc(mem(v), p)))];
  },
  note(v, r) {
    if (r !== 0 || v.saved?.get(0) !== '-1') return undefined;
    return ` (entry_number=${mem(v).i32(v.args[0])})`;
  },
};

/** sigreturn and rt_sigreturn: the mask the frame on the stack restores. */
function sigreturn(rt: boolean): CallDecoder {
  return {
    args(v) {
      if (v.result === undefined) {
        const esp = v.ctx.proc.machine.cpu.reg(Reg.ESP);
        const frame = (esp - (rt ? 4 : 8)) >>> 0;
        const m = mem(v);
        v.saved?.set(0, orPointer(esp, () => {
          const mask = rt ? m.u64(frame + RT_SIGFRAME.uc + UCONTEXT.sigmask)
            : BigInt(m.u32(frame + SIGFRAME.sc + 80)) | (BigInt(m.u32(frame + SIGFRAME.extramask)) << 32n);
          return `{mask=${signalSet(mask)}}`;
        }));
      }
      return [arg(() => String(v.saved?.get(0) ?? '?'))];
    },
  };
}

const umask: CallDecoder = {
  args: (v) => kindArgs(v),
  result: (_v, r) => modeArg(r),
};

/** execve: the environment is counted, not shown. */
const execve: CallDecoder = {
  args(v) {
    const [, , envp] = v.args;
    const parts = kindArgs(v).slice(0, 2);
    parts.push(arg(() => orPointer(envp, () => `${hex(envp)} /* ${mem(v).pointerArray(envp).length} vars */`)));
    return parts;
  },
};

/** _llseek: the 64-bit offset from its two halves, and where it ended. */
const llseek: CallDecoder = {
  args(v) {
    const [fd, high, low, result, how] = v.args;
    const offset = BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0));
    return [
      arg(() => String(fd | 0)), arg(() => String(offset)),
      arg(() => (ok(v) ? orPointer(result, () => `[${mem(v).i64(result)}]`) : pointer(result)), true),
      arg(() => whence(how), true),
    ];
  },
};

/** mremap: the new address only when a flag asks for one. */
const mremap: CallDecoder = {
  args(v) {
    const [addr, oldSize, newSize, how, newAddr] = v.args;
    const parts = [arg(() => pointer(addr)), arg(() => String(oldSize >>> 0)), arg(() => String(newSize >>> 0)), arg(() => mremapFlags(how))];
    if (how & (MREMAP_FIXED | MREMAP_DONTUNMAP)) parts.push(arg(() => pointer(newAddr)));
    return parts;
  },
};
const MREMAP_FIXED = 2;
const MREMAP_DONTUNMAP = 4;

/** mlock2: its flags by name. */
const mlock2: CallDecoder = {
  args: (v) => [arg(() => pointer(v.args[0])), arg(() => String(v.args[1] >>> 0)), arg(() => mlock2Flags(v.args[2]))],
};

/** sched_getscheduler: the policy it returned, named. */
const schedGetscheduler: CallDecoder = {
  args: (v) => kindArgs(v),
  note: (_v, r) => {
    const name = schedPolicyName(r);
    return name === undefined ? undefined : ` (${name})`;
  },
};

export const CALL_DECODERS: Record<string, CallDecoder> = {
  sched_getscheduler: schedGetscheduler,
  mremap,
  mlock2,
  futex: futex(false),
  futex_time64: futex(true),
  fcntl,
  fcntl64: fcntl,
  ioctl,
  prctl,
  socket,
  socketpair,
  setsockopt,
  getsockopt,
  poll: poll('int'),
  ppoll: poll('timespec'),
  ppoll_time64: poll('timespec64'),
  clone,
  clone3,
  set_thread_area: setThreadArea,
  sigreturn: sigreturn(false),
  rt_sigreturn: sigreturn(true),
  umask,
  execve,
  _llseek: llseek,
};

