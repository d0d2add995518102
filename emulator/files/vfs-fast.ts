// The common case of a lookup in one kernel call: the directory part of a
// path without symlinks or virtual parts is opened by openat2 from the root
// fd with RESOLVE_IN_ROOT (absolute paths) or from the base directory fd
// with RESOLVE_BENEATH (relative ones), RESOLVE_NO_SYMLINKS and
// RESOLVE_NO_MAGICLINKS: the kernel walks it and cannot leave the root.
// Without symlinks the path as written, normalised, is the object's guest
// path. Anything else (a symlink on the way, `..` above the base, /proc,
// a virtual base) is left to the component walk (walk.ts), which answers
// for every case; an error the kernel gives here is the one the walk
// would give.
import { LinuxError, ENOTDIR } from '../abi/errno.js';
import {
  HOST_O_DIRECTORY, HOST_O_PATH, hostClose, hostOpenat2, RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS,
} from '../host/fs-at.js';
import { isDir, isSymlink, lstatAt } from './host-names.js';
import { joinGuest, parentGuest, PATH_MAX, splitPath, type Resolved, type WalkOptions, type WalkRoot } from './walk.js';

/** Errors that mean "not for the fast path" rather than an answer. */
const LEAVE_TO_WALK = new Set(['ELOOP', 'EXDEV', 'EAGAIN', 'ENAMETOOLONG']);

function normalizeParts(parts: string[]): string[] {
  const out: string[] = [];
  for (const c of parts) {
    if (c === '.') continue;
    if (c === '..') out.pop();
    else out.push(c);
  }
  return out;
}

export function fastResolve(root: WalkRoot, p: string, opts: WalkOptions): Resolved | null {
  if (p.length === 0 || p.length >= PATH_MAX) return null;
  const absolute = p.startsWith('/');
  const base = absolute ? { fd: root.fd, guest: '/' } : opts.base;
  if (base.fd < 0 || base.guest === '/proc' || base.guest.startsWith('/proc/')) return null;
  const parts = splitPath(p);
  const last = parts.pop();
  if (last === undefined || last === '.' || last === '..' || last.length > 255) return null;
  // the guest's /proc is partly virtual: the walk knows which parts
  if (last === 'proc' || parts.includes('proc')) return null;
  const dirParts = normalizeParts(splitPath(base.guest).concat(parts));
  let fd: number;
  try {
    const resolve = (absolute ? RESOLVE_IN_ROOT : RESOLVE_BENEATH) | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    fd = hostOpenat2(base.fd, parts.length === 0 ? '.' : parts.join('/'), HOST_O_PATH | HOST_O_DIRECTORY, 0, resolve);
  } catch (e) {
    if (LEAVE_TO_WALK.has((e as NodeJS.ErrnoException).code ?? '')) return null;
    throw e;
  }
  try {
    const st = lstatAt(fd, last);
    const trailingSlash = p.endsWith('/');
    if (st !== null && isSymlink(st) && (opts.followLast || trailingSlash)) {
      hostClose(fd);
      return null;
    }
    const dirGuest = '/' + dirParts.join('/');
    const guest = joinGuest(dirGuest, last);
    if (trailingSlash && st !== null && !isDir(st)) throw new LinuxError(ENOTDIR, guest);
    return { guest, trailingSlash, dir: { fd, owned: true, guest: parentGuest(guest) }, name: last, stat: st };
  } catch (e) {
    hostClose(fd);
    throw e;
  }
}
