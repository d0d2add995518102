// Naming a looked-up host object to the host kernel without a path it
// would resolve again: an O_PATH fd on the object itself (its
// /proc/self/fd/N magic link reaches exactly that inode), or, for calls
// that must not follow a final symlink, `/proc/self/fd/<dir>/<name>`: the
// kernel jumps to the held directory and looks up one name there.
import fs from 'node:fs';
import { EACCES, ELOOP, LinuxError } from '../abi/errno.js';
import { S_IFBLK, S_IFCHR, S_IFMT } from '../abi/fcntl.js';
import { majorOf, minorOf } from '../abi/stat.js';
import { hostClose, hostOpenPath } from '../host/fs-at.js';
import type { FileDescription, StatInfo } from './description.js';
import { fstatFd, isSymlink, lstatAt, sameFile } from './host-names.js';
import { isHarmlessDevice } from './write-policy.js';
import { parentGuest, releaseDir, type Resolved } from './walk.js';
import type { Vfs } from './vfs.js';

export const procFdPath = (fd: number): string => `/proc/self/fd/${fd}`;

/** A host path for `name` in the held directory, which the kernel resolves without leaving it (unless `name` is a symlink and the call follows it). */
export const nameInDir = (r: Resolved): string => `${procFdPath(r.dir.fd)}/${r.name}`;

/**
 * Run `fn` with an O_PATH fd on the looked-up object. A call that follows
 * symlinks must not meet one here: the walk already followed them, so a
 * symlink now was swapped in since (ELOOP, as a lookup losing such a race
 * can get from the kernel too).
 */
export function withObjectFd<T>(r: Resolved, follows: boolean, fn: (fd: number, st: StatInfo) => T): T {
  const fd = hostOpenPath(r.dir.fd, r.name);
  try {
    const st = fstatFd(fd);
    if (follows && isSymlink(st)) throw new LinuxError(ELOOP, r.guest);
    return fn(fd, st);
  } finally {
    hostClose(fd);
  }
}

/** Character devices a guest may open besides the harmless ones: the pty multiplexer. */
const OPENABLE_DEVICES = new Set(['5:2']);

/**
 * Devices of the host a guest may not open, even to read: every block
 * device (a disk read raw bypasses every file permission) and every
 * character device but the harmless ones, the terminals and /dev/ptmx
 * (/dev/mem, /dev/kmsg, input devices, a watchdog that an open arms...).
 * O_PATH opens and stat are fine: they do not open the device.
 */
export function checkDeviceOpen(st: StatInfo, guest: string): void {
  const type = st.mode & S_IFMT;
  if (type === S_IFBLK) throw new LinuxError(EACCES, `${guest}: block devices are not opened for the guest`);
  if (type !== S_IFCHR || isHarmlessDevice(st)) return;
  if (OPENABLE_DEVICES.has(`${majorOf(st.rdev)}:${minorOf(st.rdev)}`)) return;
  throw new LinuxError(EACCES, `${guest}: this device is not opened for the guest`);
}

/**
 * May the guest change the file behind an open description (fchmod,
 * fchown, futimens, fsetxattr, a link made from it, reopening it for
 * writing)? The kernel's current name for the host fd leads to its
 * directory, which is looked up inside the root; the answer counts only if
 * that name still is this very file.
 */
export function descriptionMayChange(vfs: Vfs, desc: FileDescription): boolean {
  const hostFd = desc.hostFd();
  if (hostFd === null) return false;
  const st = fstatFd(hostFd);
  if (isHarmlessDevice(st)) return true;
  let text: string;
  try {
    text = fs.readlinkSync(procFdPath(hostFd));
  } catch {
    return false;
  }
  const deleted = text.endsWith(' (deleted)');
  if (deleted) text = text.slice(0, -' (deleted)'.length);
  const guest = text.startsWith('/') ? vfs.toGuest(text) : null;
  if (guest === null) return false;
  let parent: Resolved;
  try {
    parent = vfs.resolve(parentGuest(guest));
  } catch {
    return false;
  }
  try {
    if (parent.node || parent.stat === null) return false;
    return withObjectFd(parent, true, (dirFd) => {
      const name = guest.slice(guest.lastIndexOf('/') + 1);
      // an unlinked file (O_TMPFILE, deleted after opening) has only the directory it was in
      if (!deleted && guest !== '/') {
        const now = lstatAt(dirFd, name);
        if (now === null || !sameFile(now, st)) return false;
      }
      return vfs.policy.mayChangeObject(dirFd, st);
    });
  } catch {
    return false;
  } finally {
    releaseDir(parent.dir);
  }
}
