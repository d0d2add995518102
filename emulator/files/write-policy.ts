// The write policy, decided on objects rather than on path strings: the
// writable directories (the current directory dsu was started in, /tmp and
// each --rw) are known by device and inode, and a change is allowed when the
// directory it happens in is one of them or lies below one of them, found by
// walking up with `..` from the directory fd the change is made through.
// No string the guest can race stands between the check and the change.
// A guest cannot move a directory across the boundary (that needs a change
// in a directory outside it), so what the walk finds stays true.
// Opening for writing is also allowed for the harmless character devices
// (/dev/null, /dev/zero...) and terminals, known by device number.
import { EROFS, LinuxError } from '../abi/errno.js';
import { S_IFCHR, S_IFMT } from '../abi/fcntl.js';
import { majorOf, minorOf } from '../abi/stat.js';
import { HOST_O_DIRECTORY, HOST_O_PATH, hostClose, hostOpenat2 } from '../host/fs-at.js';
import type { StatInfo } from './description.js';
import { fstatFd, isDir, sameFile, type FileId } from './host-names.js';
import { PATH_MAX } from './walk.js';

/** Character devices (major, minor) any program may write to: null, zero, full, random, urandom, tty. */
const WRITABLE_DEVICES = new Set(['1:3', '1:5', '1:7', '1:8', '1:9', '5:0']);
/** Pseudo-terminal slaves (writing to the user's terminal changes no file). */
const PTS_MAJOR_FIRST = 136;
const PTS_MAJOR_LAST = 143;

export function isHarmlessDevice(st: StatInfo): boolean {
  if ((st.mode & S_IFMT) !== S_IFCHR) return false;
  const major = majorOf(st.rdev);
  if (major >= PTS_MAJOR_FIRST && major <= PTS_MAJOR_LAST) return true;
  return WRITABLE_DEVICES.has(`${major}:${minorOf(st.rdev)}`);
}

export interface PolicyRoot {
  /** Guest path, for messages and for directories created after start. */
  guest: string;
  id: FileId | null;
}

export class WritePolicy {
  constructor(
    private readonly roots: PolicyRoot[],
    private readonly rootId: FileId,
    /** Looks a guest directory up again (for a writable directory that did not exist at start). */
    private readonly identify: (guest: string) => FileId | null,
  ) {}

  /** Guest paths of the writable directories (for messages and the README's promise). */
  get guestRoots(): string[] {
    return this.roots.map((r) => r.guest);
  }

  private isRoot(id: FileId): boolean {
    for (const r of this.roots) {
      r.id ??= this.identify(r.guest);
      if (r.id !== null && sameFile(r.id, id)) return true;
    }
    return false;
  }

  /** May names in the host directory `dirfd` be created, changed or removed? */
  mayChangeIn(dirfd: number): boolean {
    let cur = dirfd;
    let id = fstatFd(cur);
    const opened: number[] = [];
    try {
      for (let depth = 0; depth < PATH_MAX / 2; depth++) {
        if (this.isRoot(id)) return true;
        // the guest's root: nothing above it is the guest's
        if (sameFile(id, this.rootId)) return false;
        const up = hostOpenat2(cur, '..', HOST_O_PATH | HOST_O_DIRECTORY, 0, 0);
        opened.push(up);
        const upId = fstatFd(up);
        if (sameFile(upId, id)) return false;
        cur = up;
        id = upId;
      }
      return false;
    } finally {
      for (const fd of opened) hostClose(fd);
    }
  }

  /**
   * May the object `st` (named in `dirfd`) be written to or changed? A
   * writable directory itself may (its mode, its times); so may anything in
   * one, and the harmless devices wherever they are.
   */
  mayChangeObject(dirfd: number, st: StatInfo | null): boolean {
    if (st !== null && isDir(st) && this.isRoot(st)) return true;
    if (st !== null && isHarmlessDevice(st)) return true;
    return this.mayChangeIn(dirfd);
  }

  checkIn(dirfd: number, guest: string): void {
    if (!this.mayChangeIn(dirfd)) throw new LinuxError(EROFS, `${guest} is outside the writable directories`);
  }

  checkObject(dirfd: number, st: StatInfo | null, guest: string): void {
    if (!this.mayChangeObject(dirfd, st)) throw new LinuxError(EROFS, `${guest} is outside the writable directories`);
  }
}
