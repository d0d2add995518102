// A process's file descriptor table: small integers to shared descriptions,
// each slot with its own close-on-exec flag. Numbers stay below `limit`
// (RLIMIT_NOFILE), and a new description whose host descriptor would eat
// into dsu's own reserve is refused with EMFILE (host/fd-budget.ts).
import { EBADF, EMFILE, EINVAL } from '../abi/errno.js';
import { withinFdBudget } from '../host/fd-budget.js';
import { FileDescription } from './description.js';

interface Slot {
  desc: FileDescription;
  cloexec: boolean;
}

export class FdTable {
  private readonly slots = new Map<number, Slot>();
  limit = 1024;

  get(fd: number): FileDescription | undefined {
    return this.slots.get(fd)?.desc;
  }

  has(fd: number): boolean {
    return this.slots.has(fd);
  }

  cloexec(fd: number): boolean {
    return this.slots.get(fd)?.cloexec ?? false;
  }

  setCloexec(fd: number, on: boolean): void {
    const s = this.slots.get(fd);
    if (s) s.cloexec = on;
  }

  /** Lowest free fd >= minFd, or -EMFILE. */
  allocate(desc: FileDescription, cloexec = false, minFd = 0): number {
    let fd = minFd;
    while (this.slots.has(fd)) fd++;
    if (fd >= this.limit) return -EMFILE;
    const hostFd = desc.refs === 0 ? desc.hostFd() : null;
    if (hostFd !== null && !withinFdBudget(hostFd)) return -EMFILE;
    this.place(fd, desc, cloexec);
    return fd;
  }

  /** allocate() for a new description, which is released when it gets no fd. */
  install(desc: FileDescription, cloexec = false): number {
    const fd = this.allocate(desc, cloexec);
    if (fd < 0 && desc.refs === 0) desc.release();
    return fd;
  }

  /** Put `desc` at exactly `fd`, closing what was there (dup2 semantics). */
  place(fd: number, desc: FileDescription, cloexec = false): number {
    if (fd < 0 || fd >= this.limit) return -EBADF;
    desc.refs++;
    const old = this.slots.get(fd);
    this.slots.set(fd, { desc, cloexec });
    if (old) old.desc.drop();
    return fd;
  }

  close(fd: number): number {
    const s = this.slots.get(fd);
    if (!s) return -EBADF;
    this.slots.delete(fd);
    s.desc.drop();
    return 0;
  }

  dup(fd: number, minFd = 0, cloexec = false): number {
    const desc = this.get(fd);
    if (!desc) return -EBADF;
    if (minFd < 0 || minFd >= this.limit) return -EINVAL;
    return this.allocate(desc, cloexec, minFd);
  }

  fds(): number[] {
    return [...this.slots.keys()].sort((a, b) => a - b);
  }

  closeAll(): void {
    for (const fd of this.fds()) this.close(fd);
  }
}
