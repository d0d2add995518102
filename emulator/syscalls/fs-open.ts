// Opening files: open, openat, creat. The policy and host work live in
// files/open.ts; here the arguments are read and the fd installed.
import { AT_FDCWD } from '../abi/fcntl.js';
import { EINVAL } from '../abi/errno.js';
import { FileDescription, O_CLOEXEC, O_CREAT, O_LARGEFILE, O_RDWR, O_TRUNC, O_WRONLY } from '../files/description.js';
import { describeHostFd, openAt } from '../files/open.js';
import { hostMemfdCreate } from '../host/file-calls.js';
import { pathArg } from '../files/lookup.js';
import { row, SyscallContext, SyscallRow } from './types.js';

/** Give `desc` the lowest free fd, or release it if there is none. */
function installFd(ctx: SyscallContext, desc: FileDescription, cloexec: boolean): number {
  const fd = ctx.proc.fds.allocate(desc, cloexec);
  if (fd < 0 && desc.refs === 0) desc.release();
  return fd;
}

function open(ctx: SyscallContext, dirfd: number, path: number, flags: number, mode: number): number {
  const desc = openAt(ctx, dirfd, pathArg(ctx, path), flags, mode);
  return installFd(ctx, desc, (flags & O_CLOEXEC) !== 0);
}

const MFD_CLOEXEC = 1;
const MFD_KNOWN = 0x1f; // CLOEXEC, ALLOW_SEALING, HUGETLB, NOEXEC_SEAL, EXEC

/** An anonymous file: the host's own memfd, so sealing and shared mappings behave as on Linux. */
function memfdCreate(ctx: SyscallContext, namePtr: number, flags: number): number {
  const name = ctx.mem.cstring(namePtr, 250);
  if (flags & ~MFD_KNOWN) return -EINVAL;
  const fd = hostMemfdCreate(name, flags | MFD_CLOEXEC);
  const desc = describeHostFd(fd, O_RDWR | O_LARGEFILE, `/memfd:${name} (deleted)`);
  return installFd(ctx, desc, (flags & MFD_CLOEXEC) !== 0);
}

export const fsOpenRows: SyscallRow[] = [
  row(5, 'open', ['str', 'oflags', 'mode'], (ctx, a, b, c) => open(ctx, AT_FDCWD, a, b, c)),
  row(295, 'openat', ['dirfd', 'str', 'oflags', 'mode'], (ctx, a, b, c, d) => open(ctx, a, b, c, d)),
  row(8, 'creat', ['str', 'mode'], (ctx, a, b) => open(ctx, AT_FDCWD, a, O_CREAT | O_WRONLY | O_TRUNC, b)),
  row(356, 'memfd_create', ['str', 'hex'], (ctx, a, b) => memfdCreate(ctx, a, b)),
];
