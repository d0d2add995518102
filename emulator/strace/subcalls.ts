// socketcall(2)'s sub-calls as strace shows them: by their own names and
// arguments (glibc on i386 reaches send, recv and a few others only through
// socketcall), read from the argument array the call points to.
import type { ArgKind, SyscallContext, SyscallRow } from '../syscalls/types.js';
import { tracedRow } from './signatures.js';

const SUBCALLS: readonly (readonly [string, readonly ArgKind[]])[] = [
  ['socket', ['family', 'socktype', 'int']],
  ['bind', ['fd', 'sockaddr', 'int']],
  ['connect', ['fd', 'sockaddr', 'int']],
  ['listen', ['fd', 'int']],
  ['accept', ['fd', 'sockaddrout', 'socklenout']],
  ['getsockname', ['fd', 'sockaddrout', 'socklenout']],
  ['getpeername', ['fd', 'sockaddrout', 'socklenout']],
  ['socketpair', ['family', 'socktype', 'int', 'fdpairout']],
  ['send', ['fd', 'buf', 'size', 'msgflags']],
  ['recv', ['fd', 'outbuf', 'size', 'msgflags']],
  ['sendto', ['fd', 'buf', 'size', 'msgflags', 'sockaddr', 'int']],
  ['recvfrom', ['fd', 'outbuf', 'size', 'msgflags', 'sockaddrout', 'socklenout']],
  ['shutdown', ['fd', 'shuthow']],
  ['setsockopt', ['fd', 'int', 'int', 'ptr', 'int']],
  ['getsockopt', ['fd', 'int', 'int', 'ptr', 'ptr']],
  ['sendmsg', ['fd', 'msghdr', 'msgflags']],
  ['recvmsg', ['fd', 'msghdrout', 'msgflags']],
  ['accept4', ['fd', 'sockaddrout', 'socklenout', 'sockflags']],
  ['recvmmsg', ['fd', 'ptr', 'uint', 'msgflags', 'ptr']],
  ['sendmmsg', ['fd', 'ptr', 'uint', 'msgflags']],
];

/** Sub-calls sort after every syscall in the summary, as in strace's table. */
const SUBCALL_NR_BASE = 1000;

const rows: SyscallRow[] = SUBCALLS.map(([name, args], i) => ({
  nr: SUBCALL_NR_BASE + i + 1, name, args, handler: () => 0,
}));

export const SUBCALL_NAMES = SUBCALLS.map(([name]) => name);

/**
 * The call strace would show: a socketcall's sub-call with its own
 * arguments, else the call itself, with its arguments as strace decodes them.
 */
export function shownCall(ctx: SyscallContext, row: SyscallRow, args: readonly number[]): { row: SyscallRow; args: readonly number[] } {
  if (row.name !== 'socketcall') return { row: tracedRow(row), args };
  const sub = rows[(args[0] | 0) - 1];
  if (!sub) return { row, args };
  try {
    const subArgs = sub.args.map((_, i) => ctx.mem.u32(args[1] + 4 * i));
    return { row: sub, args: subArgs };
  } catch {
    return { row, args };
  }
}
