// The guest's minimal /dev when its root has none (or lacks some of it), as
// proot and container runtimes provide one: the harmless character devices
// (null, zero, full, random, urandom, tty) are the host's own nodes, reached
// through a directory fd dsu holds on the host's /dev, one fixed name at a
// time; /dev/shm is a directory of dsu's own for the session (created on
// first use, writable, removed at exit), so POSIX shared memory works
// without opening the host's; /dev/fd and /dev/std{in,out,err} are links
// into the guest's /proc/self/fd (virtual, see devNode). A root's own /dev
// entries always come first: these only answer for what the root lacks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DT_CHR, DT_DIR, DT_LNK } from '../abi/dirent.js';
import { HOST_O_DIRECTORY, HOST_O_PATH, hostClose, hostOpenat2 } from '../host/fs-at.js';
import { fstatFd, lstatAt, type FileId } from './host-names.js';
import { inodeOf } from './virtual-files.js';
import type { Resolved } from './walk.js';
import type { VirtualEntry, VirtualNode } from './vfs.js';

const DEVICES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];
const LINKS: Record<string, string> = { fd: '/proc/self/fd', stdin: '/proc/self/fd/0', stdout: '/proc/self/fd/1', stderr: '/proc/self/fd/2' };
const SHM = '/dev/shm';

export class DevLayer {
  private hostDev = -1;
  private shm: { fd: number; host: string; id: FileId } | null = null;

  /** The host's device node for guest path `guest` (/dev/null...), or null when it is not one of them. */
  find(guest: string): Resolved | null {
    const m = /^\/dev\/([^/]+)(\/?)$/.exec(guest);
    if (m && DEVICES.includes(m[1])) {
      const dir = this.devDir();
      if (dir < 0) return null;
      const stat = lstatAt(dir, m[1]);
      if (stat === null) return null;
      return { guest, trailingSlash: m[2] === '/', dir: { fd: dir, owned: false, guest: '/dev' }, name: m[1], stat };
    }
    if (guest === SHM || guest === SHM + '/') {
      const shm = this.shmDir();
      return { guest: SHM, trailingSlash: guest.endsWith('/'), dir: { fd: shm.fd, owned: false, guest: SHM }, name: '.', stat: fstatFd(shm.fd) };
    }
    const s = /^\/dev\/shm\/([^/]+)$/.exec(guest);
    if (s && s[1] !== '.' && s[1] !== '..') {
      const shm = this.shmDir();
      return { guest, trailingSlash: false, dir: { fd: shm.fd, owned: false, guest: SHM }, name: s[1], stat: lstatAt(shm.fd, s[1]) };
    }
    return null;
  }

  /** The session's /dev/shm, if it was made (a writable directory of the write policy). */
  shmId(): FileId | null {
    return this.shm?.id ?? null;
  }

  /** Remove the session's /dev/shm (at exit). */
  close(): void {
    if (this.hostDev >= 0) hostClose(this.hostDev);
    this.hostDev = -1;
    if (this.shm) {
      hostClose(this.shm.fd);
      fs.rmSync(this.shm.host, { recursive: true, force: true });
      this.shm = null;
    }
  }

  private devDir(): number {
    if (this.hostDev < 0) {
      try {
        this.hostDev = hostOpenat2(-100, '/dev', HOST_O_PATH | HOST_O_DIRECTORY, 0, 0);
      } catch {
        return -1;
      }
    }
    return this.hostDev;
  }

  private shmDir(): { fd: number; host: string; id: FileId } {
    if (!this.shm) {
      const host = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-shm-'));
      fs.chmodSync(host, 0o1777);
      const fd = hostOpenat2(-100, host, HOST_O_PATH | HOST_O_DIRECTORY, 0, 0);
      this.shm = { fd, host, id: fstatFd(fd) };
      const shm = this.shm;
      process.once('exit', () => fs.rmSync(shm.host, { recursive: true, force: true }));
    }
    return this.shm;
  }
}

/**
 * The virtual part of a /dev the root does not have: the directory itself
 * (listing what the layer provides) and its links. Undefined for anything
 * else (the devices and /dev/shm are the layer's, found after the root).
 */
export function devNode(guest: string): VirtualNode | undefined {
  const ino = inodeOf(guest);
  if (guest === '/dev') return { kind: 'dir', ino, entries: devEntries, mode: 0o755 };
  const m = /^\/dev\/([^/]+)$/.exec(guest);
  if (m && LINKS[m[1]] !== undefined) return { kind: 'link', ino, target: LINKS[m[1]] };
  return undefined;
}

function devEntries(): VirtualEntry[] {
  return [
    ...DEVICES.map((name) => ({ name, type: DT_CHR })),
    ...Object.keys(LINKS).map((name) => ({ name, type: DT_LNK })),
    { name: 'shm', type: DT_DIR },
  ].sort((a, b) => a.name.localeCompare(b.name));
}
