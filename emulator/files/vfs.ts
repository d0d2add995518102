// The guest's view of the file system: a root directory on the host, a
// current directory, and a write policy. Paths are resolved component by
// component inside the root, following symlinks the way the kernel does but
// never above the root, so neither `..` nor a symlink can escape it.
// A virtual tree (the guest's /proc/self) can answer for some paths; those
// never reach the host.
import fs from 'node:fs';
import path from 'node:path';
import { EACCES, ELOOP, ENOENT, ENOTDIR, EROFS, LinuxError, ENAMETOOLONG } from '../abi/errno.js';
import { O_PATH, type FileDescription } from './description.js';

const MAX_SYMLINKS = 40;
const PATH_MAX = 4096;

export interface VfsOptions {
  /** Host directory that is the guest's "/". */
  root: string;
  /** Guest's initial working directory (guest path). */
  cwd: string;
  /** Guest paths under which writes are allowed, besides cwd and /tmp. */
  writable: string[];
}

/** Character devices any program may write to. */
const WRITABLE_DEVICES = new Set(['/dev/null', '/dev/zero', '/dev/full', '/dev/tty', '/dev/random', '/dev/urandom']);

export interface VirtualEntry {
  name: string;
  /** DT_* type of the entry. */
  type: number;
}

/** A path the emulator answers for itself (/proc/self/...). */
export type VirtualNode =
  | { kind: 'dir'; ino: number; entries(): VirtualEntry[]; mode?: number; size?(): number }
  | { kind: 'file'; ino: number; content(): Uint8Array; mode?: number }
  /** A symlink whose text is followed like a host symlink's; /proc shows its size as 0 unless `size` says. */
  | { kind: 'link'; ino: number; target: string; mode?: number; size?: number }
  /**
   * A "magic" link (/proc/self/fd/N): readlink shows `target`, following it
   * reaches the open file itself; `dir` is its guest path when it is a directory.
   */
  | { kind: 'magic'; ino: number; target: string; object: FileDescription; dir: string | null };

export interface VirtualTree {
  /** The node at guest path `p`: undefined when `p` is not virtual, null when it is but does not exist. */
  lookup(p: string): VirtualNode | null | undefined;
}

export interface Resolved {
  /** Normalised guest path (no symlinks in the directories part). */
  guest: string;
  /** Host path of the same file; empty for virtual nodes. */
  host: string;
  /** Set when the path names a virtual node (or, followed, a magic link's object). */
  node?: VirtualNode;
  /** The path ended with '/' (the object must be a directory). */
  trailingSlash: boolean;
}

export interface ResolveOptions {
  /** Guest directory relative paths start from (default: cwd). */
  base?: string;
  /** Dereference a final symlink (default true). */
  followLast?: boolean;
  tree?: VirtualTree;
}

export class Vfs {
  readonly root: string;
  cwd: string;
  private readonly writableRoots: string[];

  constructor(opts: VfsOptions) {
    this.root = path.resolve(opts.root);
    this.cwd = normalize(opts.cwd);
    // The current directory is writable because the user ran dsu there; a
    // guest cwd that is not the host's (host cwd outside the root) is not.
    const hostCwdIsCwd = this.toGuest(path.resolve(process.cwd())) === this.cwd;
    this.writableRoots = [...(hostCwdIsCwd ? [this.cwd] : []), '/tmp', ...opts.writable.map(normalize)];
  }

  toHost(guest: string): string {
    return this.root === '/' ? guest : guest === '/' ? this.root : this.root + guest;
  }

  /** Guest path of a host path inside the root, or null. */
  toGuest(host: string): string | null {
    if (this.root === '/') return host;
    if (host === this.root) return '/';
    return host.startsWith(this.root + '/') ? host.slice(this.root.length) : null;
  }

  /**
   * Resolve `p` (relative to `base`, a guest directory, default cwd).
   * With followLast false the final component is not dereferenced (lstat, unlink...).
   * The final component may be missing; a missing directory is ENOENT.
   */
  resolve(p: string, opts: ResolveOptions = {}): Resolved {
    if (p.length === 0) throw new LinuxError(ENOENT, 'empty path');
    if (p.length >= PATH_MAX) throw new LinuxError(ENAMETOOLONG);
    const followLast = opts.followLast ?? true;
    const pending = p.split('/').filter((c) => c.length > 0);
    const trailingSlash = p.endsWith('/');
    let stack: string[] = p.startsWith('/') ? [] : splitGuest(opts.base ?? this.cwd);
    let links = 0;
    const follow = (target: string): void => {
      if (++links > MAX_SYMLINKS) throw new LinuxError(ELOOP, p);
      if (target.startsWith('/')) stack = [];
      pending.unshift(...target.split('/').filter((c) => c.length > 0));
    };
    while (pending.length > 0) {
      const comp = pending.shift()!;
      if (comp === '.') continue;
      if (comp === '..') {
        stack.pop();
        continue;
      }
      const isLast = pending.length === 0;
      const mayFollow = !isLast || followLast || trailingSlash;
      const guest = '/' + [...stack, comp].join('/');
      const node = opts.tree?.lookup(guest);
      if (node === null) throw new LinuxError(ENOENT, guest);
      if (node !== undefined) {
        if (node.kind === 'link' && mayFollow) {
          follow(node.target);
          continue;
        }
        if (node.kind === 'magic') {
          // not followed, a magic link is just a symlink (lstat, readlink, O_NOFOLLOW)
          if (!mayFollow) return { guest, host: '', node: fdLinkNode(node), trailingSlash };
          if (isLast) return { guest: node.object.path, host: '', node, trailingSlash };
          if (node.dir === null) throw new LinuxError(ENOTDIR, guest);
          if (++links > MAX_SYMLINKS) throw new LinuxError(ELOOP, p);
          stack = splitGuest(node.dir);
          continue;
        }
        if (!isLast && node.kind !== 'dir') throw new LinuxError(ENOTDIR, guest);
        stack.push(comp);
        if (isLast) return { guest, host: '', node, trailingSlash };
        continue;
      }
      const host = this.toHost(guest);
      let st: fs.Stats | undefined;
      try {
        st = fs.lstatSync(host);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' && isLast) {
          stack.push(comp);
          break;
        }
        if (code === 'ENOENT') throw new LinuxError(ENOENT, guest);
        if (code === 'ENOTDIR') throw new LinuxError(ENOTDIR, guest);
        if (code === 'EACCES') throw new LinuxError(EACCES, guest);
        throw e;
      }
      if (st.isSymbolicLink() && mayFollow) {
        follow(fs.readlinkSync(host));
        continue;
      }
      if (!isLast && !st.isDirectory()) throw new LinuxError(ENOTDIR, guest);
      stack.push(comp);
    }
    const guest = '/' + stack.join('/');
    return { guest, host: this.toHost(guest), trailingSlash };
  }

  /** Throws EROFS unless the guest may create, change or remove `guest`. */
  checkWritable(guest: string): void {
    if (WRITABLE_DEVICES.has(guest)) return;
    for (const r of this.writableRoots) {
      if (guest === r || guest.startsWith(r === '/' ? '/' : r + '/')) return;
    }
    throw new LinuxError(EROFS, `${guest} is outside the writable directories`);
  }

  mayWrite(guest: string): boolean {
    try {
      this.checkWritable(guest);
      return true;
    } catch {
      return false;
    }
  }
}

export function normalize(p: string): string {
  const out: string[] = [];
  for (const c of p.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') out.pop();
    else out.push(c);
  }
  return '/' + out.join('/');
}

function splitGuest(p: string): string[] {
  return normalize(p).split('/').filter((c) => c.length > 0);
}

/**
 * A magic link seen without following it, as lstat shows /proc/self/fd/N:
 * owner bits for how the file is open (r-x read, -wx write, none for
 * O_PATH) and a size of 64.
 */
function fdLinkNode(node: VirtualNode & { kind: 'magic' }): VirtualNode {
  const d = node.object;
  const path = (d.statusFlags & O_PATH) !== 0;
  const mode = path ? 0 : (d.readableMode ? 0o500 : 0) | (d.writableMode ? 0o300 : 0);
  return { kind: 'link', ino: node.ino, target: node.target, mode, size: 64 };
}
