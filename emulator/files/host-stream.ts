// A host fd handed to the guest as is: the terminal, or the pipes and files
// the user redirected stdin/stdout/stderr to. Reads and writes go straight to
// the host fd; when it is a pipe or terminal with nothing to read, the guest
// blocks and the host keeps serving its event loop.
import fs from 'node:fs';
import { EAGAIN, EPIPE, errnoOf } from '../abi/errno.js';
import { Blocked } from '../kernel/wait.js';
import { FileDescription, IoResult, StatInfo } from './description.js';
import { pollNow, POLLIN, POLLOUT, POLLHUP, POLLERR, watchFd, forgetFd } from '../host/libc.js';
import { statFromHost } from './stat-info.js';
import { hostLseek } from '../host/file-calls.js';
import { postSignal, SI_USER } from '../signals/post.js';
import type { SyscallContext } from '../syscalls/types.js';

export class HostStream extends FileDescription {
  private readonly pollable: boolean;

  constructor(private readonly fd: number, statusFlags: number, path: string, private readonly owned: boolean) {
    super(statusFlags, path);
    let regular = false;
    try {
      regular = fs.fstatSync(fd).isFile();
    } catch {
      // closed or unusual fd: treat as a stream
    }
    this.pollable = !regular;
  }

  override hostFd(): number {
    return this.fd;
  }

  /** The host fd when poll/epoll on the host can watch it (not a regular file). */
  pollFd(): number | null {
    return this.pollable ? this.fd : null;
  }

  override read(_ctx: SyscallContext, buf: Uint8Array): IoResult {
    if (this.pollable && buf.length > 0) {
      const ev = pollNow(this.fd, POLLIN);
      if ((ev & (POLLIN | POLLHUP | POLLERR)) === 0) {
        if (this.nonBlocking) return -EAGAIN;
        return new Blocked((wake) => watchFd(this.fd, { readable: true }, wake), 'read');
      }
    }
    try {
      return fs.readSync(this.fd, buf, 0, buf.length, null);
    } catch (e) {
      const errno = errnoOf(e);
      if (errno === EAGAIN && !this.nonBlocking) {
        return new Blocked((wake) => watchFd(this.fd, { readable: true }, wake), 'read');
      }
      return -errno;
    }
  }

  override write(ctx: SyscallContext, data: Uint8Array): IoResult {
    try {
      return fs.writeSync(this.fd, data, 0, data.length);
    } catch (e) {
      const errno = errnoOf(e);
      // the host ignores SIGPIPE; the guest gets it as the kernel would send it
      if (errno === EPIPE) postSignal(ctx.proc, { signo: 13, code: SI_USER, pid: ctx.proc.pid }, ctx.thread);
      if (errno === EAGAIN && !this.nonBlocking) {
        return new Blocked((wake) => watchFd(this.fd, { writable: true }, wake), 'write');
      }
      return -errno;
    }
  }

  override pread(buf: Uint8Array, offset: number): number {
    try {
      return fs.readSync(this.fd, buf, 0, buf.length, offset);
    } catch (e) {
      return -errnoOf(e);
    }
  }

  override pwrite(data: Uint8Array, offset: number): number {
    try {
      return fs.writeSync(this.fd, data, 0, data.length, offset);
    } catch (e) {
      return -errnoOf(e);
    }
  }

  /** The host kernel knows: a file handed over as stdin seeks, /dev/null returns 0, a pipe or terminal ESPIPE. */
  override seek(offset: number, whence: number): number {
    try {
      return hostLseek(this.fd, offset, whence);
    } catch (e) {
      return -errnoOf(e);
    }
  }

  override truncate(length: number): number {
    try {
      fs.ftruncateSync(this.fd, length);
      return 0;
    } catch (e) {
      return -errnoOf(e);
    }
  }

  override sync(): number {
    try {
      fs.fsyncSync(this.fd);
      return 0;
    } catch (e) {
      return -errnoOf(e);
    }
  }

  override stat(): StatInfo {
    return statFromHost(fs.fstatSync(this.fd, { bigint: true }));
  }

  override readiness() {
    if (!this.pollable) return { readable: true, writable: true, hangup: false, error: false };
    const ev = pollNow(this.fd, POLLIN | POLLOUT);
    return { readable: (ev & POLLIN) !== 0, writable: (ev & POLLOUT) !== 0, hangup: (ev & POLLHUP) !== 0, error: (ev & POLLERR) !== 0 };
  }

  override subscribe(changed: () => void): () => void {
    if (!this.pollable) {
      const t = setImmediate(changed);
      return () => clearImmediate(t);
    }
    return watchFd(this.fd, { readable: true, writable: true }, changed);
  }

  override release(): void {
    if (this.owned) {
      forgetFd(this.fd);
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed
      }
    }
  }
}
