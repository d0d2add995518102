// An open file description (what an fd points to), shared by dup'ed fds.
// Subclasses implement what their kind supports; the defaults give the errno
// Linux gives for an unsupported operation on that kind of file.
import { EINVAL, ENOTDIR, ENOTTY, ESPIPE } from '../abi/errno.js';
import { Blocked, NOT_READY, Readiness, Subscribers } from '../kernel/wait.js';
import type { SyscallContext } from '../syscalls/types.js';
import { O_ACCMODE, O_NONBLOCK, O_RDONLY, O_WRONLY } from '../abi/fcntl.js';

// the open flags every file kind looks at, defined in abi/fcntl.ts
export {
  O_ACCMODE, O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC, O_APPEND, O_NONBLOCK, O_DSYNC,
  O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC, O_PATH, O_LARGEFILE,
} from '../abi/fcntl.js';

export interface Timespec {
  sec: number;
  nsec: number;
}

/** File metadata in Linux terms (filled from host fs.Stats or synthesised). */
export interface StatInfo {
  dev: bigint;
  ino: bigint;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: bigint;
  size: bigint;
  blksize: number;
  blocks: bigint;
  atime: Timespec;
  mtime: Timespec;
  ctime: Timespec;
  birthtime: Timespec;
}

export type IoResult = number | Blocked;

export abstract class FileDescription {
  refs = 0;
  /** Access mode and status flags (O_APPEND, O_NONBLOCK...). */
  statusFlags: number;
  /** Guest path it was opened with, for /proc/self/fd and messages. */
  path: string;

  constructor(statusFlags: number, path: string) {
    this.statusFlags = statusFlags;
    this.path = path;
  }

  get nonBlocking(): boolean {
    return (this.statusFlags & O_NONBLOCK) !== 0;
  }

  get readableMode(): boolean {
    return (this.statusFlags & O_ACCMODE) !== O_WRONLY;
  }

  get writableMode(): boolean {
    return (this.statusFlags & O_ACCMODE) !== O_RDONLY;
  }

  read(_ctx: SyscallContext, _buf: Uint8Array): IoResult { return -EINVAL; }
  write(_ctx: SyscallContext, _data: Uint8Array): IoResult { return -EINVAL; }
  pread(_buf: Uint8Array, _offset: number): number { return -ESPIPE; }
  pwrite(_data: Uint8Array, _offset: number): number { return -ESPIPE; }
  seek(_offset: number, _whence: number): number { return -ESPIPE; }
  abstract stat(): StatInfo;
  ioctl(_ctx: SyscallContext, _request: number, _arg: number): number { return -ENOTTY; }
  getdents(_ctx: SyscallContext, _buf: Uint8Array): number { return -ENOTDIR; }
  truncate(_length: number): number { return -EINVAL; }
  sync(): number { return 0; }
  readiness(): Readiness { return { ...NOT_READY, readable: true, writable: true }; }
  subscribe(_changed: () => void): () => void { return () => {}; }
  /** Host fd backing this description, if any (fchdir, fstatat on dirfd). */
  hostFd(): number | null { return null; }
  /** Called once, when the last fd referring to it is closed. */
  release(): void {}

  private releaseWatchers: Subscribers | null = null;

  /** Call `fn` once the description is released (epoll forgets it then). Returns a cancel function. */
  onRelease(fn: () => void): () => void {
    this.releaseWatchers ??= new Subscribers();
    return this.releaseWatchers.add(fn);
  }

  /** One reference fewer (an fd closed, a mapping gone); the last one releases it. */
  drop(): void {
    if (--this.refs !== 0) return;
    this.release();
    this.releaseWatchers?.notify();
  }
}
