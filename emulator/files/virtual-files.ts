// Open files and directories of a virtual tree (/proc/self): a file's
// contents are produced when it is opened, like a seq_file snapshot.
import { EBADF, EINVAL } from '../abi/errno.js';
import { DirEntry, DT_DIR } from '../abi/dirent.js';
import { SEEK_CUR, SEEK_END, SEEK_SET, S_IFDIR, S_IFLNK, S_IFREG } from '../abi/fcntl.js';
import { FileDescription, IoResult, StatInfo } from './description.js';
import { DirectoryStream } from './directory.js';
import { syntheticStat } from './stat-info.js';
import type { VirtualNode } from './vfs.js';
import type { SyscallContext } from '../syscalls/types.js';

/** Metadata of a virtual node, as /proc shows it. */
export function virtualStat(node: VirtualNode): StatInfo {
  switch (node.kind) {
    case 'dir': return { ...syntheticStat(S_IFDIR | (node.mode ?? 0o555), node.ino), nlink: 2, size: BigInt(node.size?.() ?? 0) };
    case 'file': return syntheticStat(S_IFREG | (node.mode ?? 0o444), node.ino);
    case 'link': return { ...syntheticStat(S_IFLNK | (node.mode ?? 0o777), node.ino), size: BigInt(node.size ?? 0) };
    default: return { ...syntheticStat(S_IFLNK | 0o777, node.ino), size: 64n };
  }
}

export class VirtualFile extends FileDescription {
  private position = 0;

  constructor(private readonly node: VirtualNode & { kind: 'file' }, private readonly content: Uint8Array, statusFlags: number, path: string) {
    super(statusFlags, path);
  }

  override read(_ctx: SyscallContext, buf: Uint8Array): IoResult {
    const n = this.pread(buf, this.position);
    this.position += n;
    return n;
  }

  override write(): IoResult {
    return -EBADF;
  }

  override pread(buf: Uint8Array, offset: number): number {
    if (offset >= this.content.length) return 0;
    const part = this.content.subarray(offset, Math.min(this.content.length, offset + buf.length));
    buf.set(part);
    return part.length;
  }

  override seek(offset: number, whence: number): number {
    const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? this.position : whence === SEEK_END ? this.content.length : NaN;
    if (Number.isNaN(base) || base + offset < 0) return -EINVAL;
    this.position = base + offset;
    return this.position;
  }

  override stat(): StatInfo {
    return virtualStat(this.node);
  }
}

export class VirtualDirectory extends DirectoryStream {
  constructor(private readonly node: VirtualNode & { kind: 'dir' }, statusFlags: number, path: string) {
    super(statusFlags, path);
  }

  protected list(): DirEntry[] {
    const dots: DirEntry[] = [
      { ino: BigInt(this.node.ino), type: DT_DIR, name: Buffer.from('.') },
      { ino: 1n, type: DT_DIR, name: Buffer.from('..') },
    ];
    return [...dots, ...this.node.entries().map((e) => ({ ino: BigInt(inodeOf(`${this.path}/${e.name}`)), type: e.type, name: Buffer.from(e.name) }))];
  }

  override stat(): StatInfo {
    return virtualStat(this.node);
  }
}

/** Stable inode numbers for virtual paths (FNV-1a of the path). */
export function inodeOf(p: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < p.length; i++) {
    h ^= p.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h & 0x7fffffff) || 1;
}
