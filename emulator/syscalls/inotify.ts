// inotify: a host inotify instance handed to the guest, watching the host
// files its paths resolve to, so events come from the kernel. struct
// inotify_event (wd, mask, cookie, len, name) has the same layout on i386
// and x86-64, and event names are relative to the watched directory, so
// reads need no translation.
import { EBADF, EINVAL, ENOENT } from '../abi/errno.js';
import { AT_FDCWD } from '../abi/fcntl.js';
import { O_NONBLOCK, O_RDONLY } from '../files/description.js';
import { procFdPath, withObjectFd } from '../files/host-objects.js';
import { pathArg, withLookup } from '../files/lookup.js';
import { hostInotifyAddWatch, hostInotifyInit, hostInotifyRmWatch } from '../host/inotify.js';
import { HostObject } from '../net/host-object.js';
import { row, SyscallContext, SyscallRow } from './types.js';

const IN_NONBLOCK = 0o4000;
const IN_CLOEXEC = 0o2000000;
const IN_DONT_FOLLOW = 0x02000000;
const S_IFREG = 0o100000;

export class InotifyFd extends HostObject {
  constructor(fd: number, flags: number) {
    super(fd, O_RDONLY | (flags & O_NONBLOCK), 'anon_inode:inotify', S_IFREG | 0o600);
  }
}

function init(ctx: SyscallContext, flags: number): number {
  if (flags & ~(IN_NONBLOCK | IN_CLOEXEC)) return -EINVAL;
  const fd = hostInotifyInit();
  if (fd < 0) return fd;
  return ctx.proc.fds.install(new InotifyFd(fd, flags), (flags & IN_CLOEXEC) !== 0);
}

function instanceOf(ctx: SyscallContext, fd: number): InotifyFd | number {
  const d = ctx.proc.fds.get(fd | 0);
  if (!d) return -EBADF;
  return d instanceof InotifyFd ? d : -EINVAL;
}

/** The mask bits inotify_add_watch knows (ALL_INOTIFY_BITS), and the two that exclude each other. */
const KNOWN_MASK_BITS = 0xfff | 0xe000 | 0xf7000000;
const IN_MASK_CREATE = 0x10000000;
const IN_MASK_ADD = 0x20000000;

function addWatch(ctx: SyscallContext, fd: number, path: number, mask: number): number {
  // the mask is checked before the fd, as the kernel does
  if ((mask & KNOWN_MASK_BITS) === 0 || ((mask & IN_MASK_CREATE) && (mask & IN_MASK_ADD))) return -EINVAL;
  const ino = instanceOf(ctx, fd);
  if (typeof ino === 'number') return ino;
  const follow = (mask & IN_DONT_FOLLOW) === 0;
  return withLookup(ctx, AT_FDCWD, pathArg(ctx, path), { follow }, (r) => {
    // an open file reached through /proc/self/fd/N is watched through the host's own fd
    if (r.node) {
      const hostFd = r.node.kind === 'magic' ? r.node.object.hostFd() : null;
      return hostFd === null ? -ENOENT : hostInotifyAddWatch(ino.fd, procFdPath(hostFd), mask);
    }
    if (r.stat === null) return -ENOENT;
    // the object the lookup found, through an fd on it (the watch follows the magic link to exactly it, so IN_DONT_FOLLOW is not passed on)
    return withObjectFd(r, follow, (fd) => hostInotifyAddWatch(ino.fd, procFdPath(fd), mask & ~IN_DONT_FOLLOW));
  });
}

function rmWatch(ctx: SyscallContext, fd: number, wd: number): number {
  const ino = instanceOf(ctx, fd);
  return typeof ino === 'number' ? ino : hostInotifyRmWatch(ino.fd, wd | 0);
}

export const inotifyRows: SyscallRow[] = [
  row(291, 'inotify_init', [], (ctx) => init(ctx, 0)),
  row(332, 'inotify_init1', ['hex'], (ctx, flags) => init(ctx, flags)),
  row(292, 'inotify_add_watch', ['fd', 'str', 'hex'], (ctx, fd, path, mask) => addWatch(ctx, fd, path, mask)),
  row(293, 'inotify_rm_watch', ['fd', 'int'], (ctx, fd, wd) => rmWatch(ctx, fd, wd)),
];
