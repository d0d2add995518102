// The confined lookup of a guest path, one component at a time on directory
// fds: each step opens one name inside a directory dsu already holds
// (openat2 with RESOLVE_BENEATH, never following it), symlinks are read and
// followed here, `..` goes back to a directory held before and never above
// the root. Nothing is ever looked up again as a host path string, so a
// directory swapped for a symlink between two steps cannot lead outside
// the root: the swap is seen at the next step, which reads the new link and
// follows it inside the root. The guest's virtual /proc nodes are answered
// on the way. The kernel-confined fast path (vfs-fast.ts) handles paths
// without virtual parts in one call and falls back to this walk.
import { ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, LinuxError } from '../abi/errno.js';
import {
  HOST_O_DIRECTORY, HOST_O_PATH, hostClose, hostOpenat2, hostOpenPath, hostReadlinkAt, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS,
} from '../host/fs-at.js';
import { O_PATH, type FileDescription, type StatInfo } from './description.js';
import { fstatFd, isDir, isSymlink, lstatAt, sameFile, type FileId } from './host-names.js';
import type { VirtualNode, VirtualTree } from './vfs.js';

const MAX_SYMLINKS = 40;
export const PATH_MAX = 4096;
/** Tries of one step when the name keeps changing under it (a racing rename). */
const STEP_RETRIES = 8;

/**
 * A directory held during a lookup: a host O_PATH fd, or -1 for a directory
 * that exists only in the virtual tree. `owned` fds are closed by whoever
 * holds the reference last; the root, the cwd and the guest's open
 * directories are borrowed.
 */
export interface DirRef {
  fd: number;
  owned: boolean;
  /** Its guest path (for the virtual tree, messages and /proc/self/fd). */
  guest: string;
}

export interface Resolved {
  /** Normalised guest path of the object (symlinks resolved). */
  guest: string;
  /** Set when the path names a virtual node (or, followed, a magic link's object). */
  node?: VirtualNode;
  /** The path ended with '/' (the object must be a directory). */
  trailingSlash: boolean;
  /** The host directory holding the object; fd -1 for virtual nodes. */
  dir: DirRef;
  /** The object's name in `dir`; '.' when the object is `dir` itself. */
  name: string;
  /** lstat of the object; null when it does not exist (or is virtual). */
  stat: StatInfo | null;
}

export interface WalkRoot {
  fd: number;
  id: FileId;
}

export interface WalkOptions {
  /** Directory relative paths start from. */
  base: DirRef;
  /** Dereference a final symlink. */
  followLast: boolean;
  tree?: VirtualTree;
}

/** Give back an owned directory fd (no-op for borrowed ones). */
export function releaseDir(d: DirRef): void {
  if (d.owned && d.fd >= 0) hostClose(d.fd);
}

const errCode = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

export function joinGuest(dir: string, name: string): string {
  return dir === '/' ? '/' + name : dir + '/' + name;
}

export function parentGuest(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

export function splitPath(p: string): string[] {
  return p.split('/').filter((c) => c.length > 0);
}

/**
 * Frames from the root to `d` for a directory reached other than from the
 * root (the cwd, a dirfd): its parents are found with `..` and checked
 * against the root's identity. A directory found not to be under the root
 * at all (moved out by someone on the host) is treated as the root itself.
 */
function anchor(root: WalkRoot, rootRef: DirRef, d: DirRef): DirRef[] {
  const ups: number[] = [];
  try {
    let cur = d.fd;
    let id: FileId = fstatFd(cur);
    for (let depth = 0; depth < PATH_MAX / 2; depth++) {
      if (sameFile(id, root.id)) {
        if (ups.length > 0) hostClose(ups.pop()!);
        const frames: DirRef[] = [rootRef];
        let guest = d.guest;
        const names: string[] = [];
        for (let i = 0; i < ups.length; i++) {
          guest = parentGuest(guest);
          names.push(guest);
        }
        for (let i = ups.length - 1; i >= 0; i--) frames.push({ fd: ups[i], owned: true, guest: names[i] });
        frames.push(d);
        return frames;
      }
      const up = hostOpenat2(cur, '..', HOST_O_PATH | HOST_O_DIRECTORY, 0, 0);
      const upId = fstatFd(up);
      if (sameFile(upId, id)) {
        hostClose(up);
        break;
      }
      ups.push(up);
      cur = up;
      id = upId;
    }
  } catch (e) {
    for (const fd of ups) hostClose(fd);
    throw e;
  }
  for (const fd of ups) hostClose(fd);
  releaseDir(d);
  return [rootRef];
}

/** The host directory at guest path `guest` (no symlinks on the way), or ENOENT. */
function hostDirectoryOf(root: WalkRoot, guest: string): number {
  try {
    return hostOpenat2(root.fd, '.' + guest, HOST_O_PATH | HOST_O_DIRECTORY, 0, RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  } catch {
    throw new LinuxError(ENOENT, guest);
  }
}

/**
 * Resolve `p` inside the root. The final component may be missing
 * (stat null); a missing directory on the way is ENOENT. The caller owns
 * the result's `dir` and must release it.
 */
export function walk(root: WalkRoot, p: string, opts: WalkOptions): Resolved {
  if (p.length === 0) throw new LinuxError(ENOENT, 'empty path');
  if (p.length >= PATH_MAX) throw new LinuxError(ENAMETOOLONG);
  const rootRef: DirRef = { fd: root.fd, owned: false, guest: '/' };
  const trailingSlash = p.endsWith('/');
  const pending = splitPath(p);
  let frames: DirRef[] = p.startsWith('/') ? [rootRef] : [opts.base];
  let links = 0;
  let retries = 0;
  const top = (): DirRef => frames[frames.length - 1];
  const dropAll = (): void => {
    for (const f of frames) releaseDir(f);
  };
  const restart = (at: string[]): void => {
    dropAll();
    frames = [rootRef];
    pending.unshift(...at);
  };
  const follow = (target: string): void => {
    if (++links > MAX_SYMLINKS) throw new LinuxError(ELOOP, p);
    if (target.startsWith('/')) restart([]);
    pending.unshift(...splitPath(target));
  };
  const up = (): void => {
    if (frames.length > 1) {
      releaseDir(frames.pop()!);
      return;
    }
    const only = frames[0];
    if (only.fd === root.fd) return;
    // a virtual directory's parent is found by name, a host one by `..`
    if (only.fd < 0) {
      restart(splitPath(parentGuest(only.guest)));
      return;
    }
    const chain = anchor(root, rootRef, only);
    if (chain.length > 1) releaseDir(chain.pop()!);
    frames = chain;
  };
  const result = (dir: DirRef, name: string, guest: string, stat: StatInfo | null, node?: VirtualNode): Resolved => {
    // everything but the directory handed over is let go
    for (const f of frames) if (f !== dir) releaseDir(f);
    frames = [];
    if (trailingSlash && stat !== null && !isDir(stat)) {
      releaseDir(dir);
      throw new LinuxError(ENOTDIR, guest);
    }
    return { guest, node, trailingSlash, dir, name, stat };
  };
  const virtualResult = (guest: string, node: VirtualNode): Resolved =>
    result({ fd: -1, owned: false, guest: parentGuest(guest) }, '.', guest, null, node);

  try {
    while (pending.length > 0) {
      const comp = pending.shift()!;
      if (comp === '.') continue;
      if (comp === '..') {
        up();
        continue;
      }
      if (comp.length > 255) throw new LinuxError(ENAMETOOLONG);
      const isLast = pending.length === 0;
      const mayFollow = !isLast || opts.followLast || trailingSlash;
      const parent = top();
      const guest = joinGuest(parent.guest, comp);
      const node = opts.tree?.lookup(guest);
      if (node === null) throw new LinuxError(ENOENT, guest);
      if (node !== undefined) {
        if (node.kind === 'link' && mayFollow) {
          follow(node.target);
          continue;
        }
        if (node.kind === 'magic') {
          // not followed, a magic link is just a symlink (lstat, readlink, O_NOFOLLOW)
          if (!mayFollow) return virtualResult(guest, fdLinkNode(node));
          if (isLast) return virtualResult(node.object.path, node);
          if (node.dir === null) throw new LinuxError(ENOTDIR, guest);
          if (++links > MAX_SYMLINKS) throw new LinuxError(ELOOP, p);
          const hostFd = node.object.hostFd();
          if (hostFd === null) restart(splitPath(node.dir));
          else {
            dropAll();
            frames = [{ fd: hostFd, owned: false, guest: node.dir }];
          }
          continue;
        }
        if (isLast) return virtualResult(guest, node);
        if (node.kind !== 'dir') throw new LinuxError(ENOTDIR, guest);
        frames.push({ fd: -1, owned: false, guest });
        continue;
      }
      // a host name under a virtual directory (/proc/self/net is the host's):
      // the host directory of the same guest path, if there is one
      if (parent.fd < 0) {
        parent.fd = hostDirectoryOf(root, parent.guest);
        parent.owned = true;
      }
      if (!isLast) {
        try {
          frames.push({ fd: hostOpenPath(parent.fd, comp, true), owned: true, guest });
          continue;
        } catch (e) {
          const code = errCode(e);
          if (code !== 'ENOTDIR' && code !== 'ELOOP') throw e;
        }
      }
      const st = lstatAt(parent.fd, comp);
      if (st === null) {
        if (isLast) return result(parent, comp, guest, null);
        throw new LinuxError(ENOENT, guest);
      }
      if (isSymlink(st) && mayFollow) {
        let text: Buffer;
        try {
          text = hostReadlinkAt(parent.fd, comp);
        } catch (e) {
          // replaced by something else since the lstat: look at it again
          if ((errCode(e) === 'EINVAL' || errCode(e) === 'ENOENT') && ++retries < STEP_RETRIES) {
            pending.unshift(comp);
            continue;
          }
          throw e;
        }
        follow(text.toString('utf8'));
        continue;
      }
      if (isLast) return result(parent, comp, guest, st);
      if (!isDir(st)) throw new LinuxError(ENOTDIR, guest);
      // a directory now, though the open said otherwise: it was just swapped
      if (++retries >= STEP_RETRIES) throw new LinuxError(ELOOP, guest);
      pending.unshift(comp);
    }
    const dir = top();
    if (dir.fd < 0) {
      const node = opts.tree?.lookup(dir.guest);
      if (!node) throw new LinuxError(ENOENT, dir.guest);
      return virtualResult(dir.guest, node);
    }
    return result(dir, '.', dir.guest, fstatFd(dir.fd));
  } catch (e) {
    dropAll();
    throw e;
  }
}

/**
 * A magic link seen without following it, as lstat shows /proc/self/fd/N:
 * owner bits for how the file is open (r-x read, -wx write, none for
 * O_PATH) and a size of 64.
 */
function fdLinkNode(node: VirtualNode & { kind: 'magic' }): VirtualNode {
  const d: FileDescription = node.object;
  const path = (d.statusFlags & O_PATH) !== 0;
  const mode = path ? 0 : (d.readableMode ? 0o500 : 0) | (d.writableMode ? 0o300 : 0);
  return { kind: 'link', ino: node.ino, target: node.target, mode, size: 64 };
}
