// Open directories. Entries are read once into a snapshot (on the first
// getdents and again after a rewind) and handed out by index: the index is
// the entry's d_off and the position lseek sets. A host directory's own
// d_off values are 64-bit hashes on ext4 for a 64-bit process like Node,
// which a 32-bit glibc readdir rejects with EOVERFLOW; indices always fit.
import fs from 'node:fs';
import { EBADF, EINVAL, EISDIR, EOVERFLOW, errnoOf } from '../abi/errno.js';
import { DirEntry, DirentFormat, direntSize, writeDirent } from '../abi/dirent.js';
import { SEEK_CUR, SEEK_SET } from '../abi/fcntl.js';
import { FileDescription, IoResult, StatInfo } from './description.js';
import { statFromHost } from './stat-info.js';
import { hostGetdents64, hostLseek } from '../host/file-calls.js';
import { PathOnly } from './host-file.js';
import type { SyscallContext } from '../syscalls/types.js';

const HOST_DENTS_BUFFER = 32 * 1024;

export abstract class DirectoryStream extends FileDescription {
  private entries: DirEntry[] | null = null;
  private position = 0;

  /** Guest path of the directory: the base of *at() calls relative to it. */
  get dirPath(): string {
    return this.path;
  }

  protected abstract list(): DirEntry[];

  /** Fill `buf` with records from the current position; bytes written, 0 at the end. */
  readEntries(format: DirentFormat, buf: Uint8Array): number {
    if (this.entries === null) this.entries = this.list();
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let at = 0;
    while (this.position < this.entries.length) {
      const e = this.entries[this.position];
      if (format === 'dirent' && e.ino > 0xffffffffn) return at > 0 ? at : -EOVERFLOW;
      const size = direntSize(format, e);
      if (at + size > buf.length) return at > 0 ? at : -EINVAL;
      writeDirent(format, view, at, e, this.position + 1);
      at += size;
      this.position++;
    }
    return at;
  }

  override getdents(_ctx: SyscallContext, buf: Uint8Array): number {
    return this.readEntries('dirent64', buf);
  }

  override seek(offset: number, whence: number): number {
    let next: number;
    if (whence === SEEK_SET) next = offset;
    else if (whence === SEEK_CUR) next = this.position + offset;
    else return -EINVAL;
    if (next < 0) return -EINVAL;
    if (next === 0) this.entries = null;
    this.position = next;
    return next;
  }

  override read(): IoResult {
    return -EISDIR;
  }

  override write(): IoResult {
    return -EBADF;
  }
}

/** A directory of the host file system, opened read-only. */
export class HostDirectory extends DirectoryStream {
  constructor(private readonly fd: number, statusFlags: number, path: string) {
    super(statusFlags, path);
  }

  protected list(): DirEntry[] {
    hostLseek(this.fd, 0, SEEK_SET);
    const out: DirEntry[] = [];
    const buf = Buffer.alloc(HOST_DENTS_BUFFER);
    for (;;) {
      const n = hostGetdents64(this.fd, buf);
      if (n === 0) return out;
      for (let at = 0; at < n;) {
        const reclen = buf.readUInt16LE(at + 16);
        const nameEnd = buf.indexOf(0, at + 19);
        out.push({
          ino: buf.readBigUInt64LE(at),
          type: buf[at + 18],
          name: Buffer.from(buf.subarray(at + 19, nameEnd < 0 || nameEnd > at + reclen ? at + reclen : nameEnd)),
        });
        at += reclen;
      }
    }
  }

  override stat(): StatInfo {
    return statFromHost(fs.fstatSync(this.fd, { bigint: true }));
  }

  override sync(): number {
    try {
      fs.fsyncSync(this.fd);
      return 0;
    } catch (e) {
      return -errnoOf(e);
    }
  }

  override hostFd(): number {
    return this.fd;
  }

  override release(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // nothing the guest could be told
    }
  }
}

/** Guest path of an open directory (readable or O_PATH), or null if `desc` is not one. */
export function directoryPathOf(desc: FileDescription): string | null {
  if (desc instanceof DirectoryStream) return desc.dirPath;
  if (desc instanceof PathOnly && desc.isDirectory) return desc.path;
  return null;
}
