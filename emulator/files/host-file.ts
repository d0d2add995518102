// A regular file of the host file system behind a host fd. The file offset
// is the host fd's own, so dup'ed guest fds share it through the shared
// description, and O_APPEND writes are appended by the host kernel.
import fs from 'node:fs';
import { EBADF, EFBIG, errnoOf } from '../abi/errno.js';
import { FileDescription, IoResult, O_APPEND, O_LARGEFILE, StatInfo } from './description.js';
import { statFromHost } from './stat-info.js';
import { hostLseek } from '../host/file-calls.js';
import type { SyscallContext } from '../syscalls/types.js';

/** Largest offset a file opened without O_LARGEFILE may reach (2 GiB - 1). */
export const MAX_NON_LFS = 2 ** 31 - 1;

function attempt(fn: () => number): number {
  try {
    return fn();
  } catch (e) {
    return -errnoOf(e);
  }
}

export class HostFile extends FileDescription {
  constructor(private readonly fd: number, statusFlags: number, path: string) {
    super(statusFlags, path);
  }

  override read(_ctx: SyscallContext, buf: Uint8Array): IoResult {
    return attempt(() => fs.readSync(this.fd, buf, 0, buf.length, null));
  }

  override write(_ctx: SyscallContext, data: Uint8Array): IoResult {
    return attempt(() => {
      const n = this.nonLfsLimit(data.length, () => this.writePosition());
      return n < 0 ? n : fs.writeSync(this.fd, data, 0, n, null);
    });
  }

  override pread(buf: Uint8Array, offset: number): number {
    return attempt(() => fs.readSync(this.fd, buf, 0, buf.length, offset));
  }

  override pwrite(data: Uint8Array, offset: number): number {
    return attempt(() => {
      const n = this.nonLfsLimit(data.length, () => offset);
      return n < 0 ? n : fs.writeSync(this.fd, data, 0, n, offset);
    });
  }

  /** Where write() would write now: the end of the file with O_APPEND, else the file position. */
  writePosition(): number {
    return (this.statusFlags & O_APPEND) ? Number(fs.fstatSync(this.fd).size) : hostLseek(this.fd, 0, 1);
  }

  /**
   * Like the kernel's generic_write_checks: without O_LARGEFILE (a 32-bit
   * program built without _FILE_OFFSET_BITS=64) a write stops at 2 GiB - 1
   * and one starting there fails with EFBIG. `position` is asked only then.
   */
  private nonLfsLimit(count: number, position: () => number): number {
    if (this.statusFlags & O_LARGEFILE || count === 0) return count;
    const pos = position();
    if (pos >= MAX_NON_LFS) return -EFBIG;
    return Math.min(count, MAX_NON_LFS - pos);
  }

  override seek(offset: number, whence: number): number {
    return attempt(() => hostLseek(this.fd, offset, whence));
  }

  override stat(): StatInfo {
    return statFromHost(fs.fstatSync(this.fd, { bigint: true }));
  }

  override truncate(length: number): number {
    return attempt(() => {
      fs.ftruncateSync(this.fd, length);
      return 0;
    });
  }

  override sync(): number {
    return attempt(() => {
      fs.fsyncSync(this.fd);
      return 0;
    });
  }

  dataSync(): number {
    return attempt(() => {
      fs.fdatasyncSync(this.fd);
      return 0;
    });
  }

  override hostFd(): number {
    return this.fd;
  }

  override release(): void {
    attempt(() => {
      fs.closeSync(this.fd);
      return 0;
    });
  }
}

/**
 * An O_PATH descriptor: it names a file (for fstat, fchdir, *at() bases and
 * /proc/self/fd) but cannot be read, written or mapped.
 */
export class PathOnly extends FileDescription {
  constructor(private readonly fd: number, statusFlags: number, path: string, readonly isDirectory: boolean) {
    super(statusFlags, path);
  }

  override read(): IoResult { return -EBADF; }
  override write(): IoResult { return -EBADF; }
  override pread(): number { return -EBADF; }
  override pwrite(): number { return -EBADF; }
  override seek(): number { return -EBADF; }
  override ioctl(): number { return -EBADF; }
  override getdents(): number { return -EBADF; }
  override truncate(): number { return -EBADF; }
  override sync(): number { return -EBADF; }

  override stat(): StatInfo {
    return statFromHost(fs.fstatSync(this.fd, { bigint: true }));
  }

  override hostFd(): number {
    return this.fd;
  }

  override release(): void {
    attempt(() => {
      fs.closeSync(this.fd);
      return 0;
    });
  }
}
