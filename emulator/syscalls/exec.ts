// execve and execveat: the argument and environment strings are copied
// out of the caller's memory as bytes (the kernel's limits: 128 KiB per
// string, a quarter of the stack limit in all, else E2BIG), then
// emulator/execve.ts finds, checks and starts the program.
import { E2BIG, EINVAL, EFAULT, LinuxError } from '../abi/errno.js';
import { AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW } from '../abi/fcntl.js';
import { execve } from '../execve.js';
import { pathArg } from '../files/lookup.js';
import { processLimit } from './limits.js';
import { row, SyscallContext, SyscallResult, SyscallRow } from './types.js';
import { betweenSlices } from '../kernel/wait.js';

/** MAX_ARG_STRLEN: 32 pages. */
const MAX_ARG_STRLEN = 32 * 4096;
const MAX_ARG_STRINGS = 0x7fffffff;
const RLIMIT_STACK = 3;
/** The kernel's floor for the total (ARG_MAX). */
const ARG_MAX = 32 * 4096;

/** A NULL-terminated array of strings (argv, envp); a NULL array is empty. */
function stringArray(ctx: SyscallContext, address: number, budget: { left: number }): Uint8Array[] {
  if (address === 0) return [];
  const out: Uint8Array[] = [];
  for (let i = 0; i < MAX_ARG_STRINGS; i++) {
    const p = ctx.mem.u32(address + 4 * i);
    if (p === 0) return out;
    let s: Uint8Array;
    try {
      s = ctx.mem.cstringBytes(p, MAX_ARG_STRLEN);
    } catch (e) {
      // too long a string is E2BIG; a bad pointer stays EFAULT
      if (!(e instanceof LinuxError) || e.errno === EFAULT) throw e;
      return fail();
    }
    budget.left -= s.length + 1 + 4;
    if (budget.left < 0) return fail();
    out.push(s);
  }
  return fail();
}

function fail(): never {
  throw new LinuxError(E2BIG, 'argument list too long');
}

function run(ctx: SyscallContext, dirfd: number, pathPtr: number, argvPtr: number, envpPtr: number, flags: number): SyscallResult {
  if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) return -EINVAL;
  const later = betweenSlices((ctx.thread.syscallState ??= {}));
  if (later) return later;
  const path = pathArg(ctx, pathPtr);
  const stack = Number(processLimit(ctx.proc, RLIMIT_STACK)[0]);
  const budget = { left: Math.max(ARG_MAX, Math.floor((Number.isFinite(stack) ? stack : 8 * 1024 * 1024) / 4)) };
  const argv = stringArray(ctx, argvPtr, budget);
  const envp = stringArray(ctx, envpPtr, budget);
  return execve(ctx, { dirfd, path, argv, envp, emptyPath: (flags & AT_EMPTY_PATH) !== 0, noFollow: (flags & AT_SYMLINK_NOFOLLOW) !== 0 });
}

export const execRows: SyscallRow[] = [
  row(11, 'execve', ['str', 'strarray', 'strarray'], (ctx, path, argv, envp) => run(ctx, -100, path, argv, envp, 0)),
  row(358, 'execveat', ['dirfd', 'str', 'strarray', 'strarray', 'hex'], (ctx, dirfd, path, argv, envp, flags) => run(ctx, dirfd | 0, path, argv, envp, flags)),
];
