// The guest's view of the file system: a root directory on the host (held
// open as a directory fd), a current directory (held as a directory fd too,
// with the guest path it was reached by), and a write policy decided on
// objects. Every lookup happens relative to those fds (walk.ts, vfs-fast.ts),
// so neither `..`, nor a symlink, nor a symlink swapped in while a lookup is
// under way leads outside the root. A virtual tree (the guest's /proc/self)
// answers for some paths; those never reach the host.
//
// With a sysroot (dsu run --sysroot DIR, qemu-i386 -L's meaning) there are
// two layers: an absolute path is looked up under DIR first and, when it is
// not there, on the host, each layer resolved inside its own root fd
// exactly as a single root is; a relative path stays in the layer of the
// directory it starts from. Under either form, what the root lacks of /dev
// is provided (dev-layer.ts).
import fs from 'node:fs';
import path from 'node:path';
import { ENOENT, ENOTDIR, errnoOf, LinuxError } from '../abi/errno.js';
import { HOST_O_DIRECTORY, HOST_O_PATH, hostClose, hostOpenat2, hostOpenPath } from '../host/fs-at.js';
import type { FileDescription } from './description.js';
import { fstatFd, isDir, sameFile, type FileId } from './host-names.js';
import { DevLayer } from './dev-layer.js';
import { fastResolve } from './vfs-fast.js';
import { PATH_MAX, releaseDir, walk, type DirRef, type Resolved, type WalkOptions, type WalkRoot } from './walk.js';
import { WritePolicy, type PolicyRoot } from './write-policy.js';
import { hostFcntlInt } from '../host/file-calls.js';

const F_DUPFD_CLOEXEC = 1030;

export type { DirRef, Resolved } from './walk.js';

export interface VfsOptions {
  /** Host directory that is the guest's "/". */
  root: string;
  /** Guest's initial working directory (guest path). */
  cwd: string;
  /**
   * Further writable directories, besides cwd, /tmp and /dev/shm: an absolute one is a
   * guest path, a relative one is relative to the directory dsu was started in.
   */
  writable: string[];
  /**
   * A sysroot rather than a strict root: absolute paths missing under it
   * are looked up on the host (read-only outside the write policy).
   */
  fallbackToHost?: boolean;
}

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

export interface ResolveOptions {
  /** Directory relative paths start from (default: cwd). */
  base?: DirRef;
  /** Dereference a final symlink (default true). */
  followLast?: boolean;
  tree?: VirtualTree;
}

/** A guest file opened for dsu's own use, named by a host path only it can mean. */
export interface HostHandle {
  guest: string;
  /** `/proc/self/fd/N` of an O_PATH fd on the object: reading it reads exactly that file. */
  host: string;
  close(): void;
}

export class Vfs {
  /** Host path of the root (messages, and turning host paths the kernel reports into guest paths). */
  readonly root: string;
  readonly rootRef: DirRef;
  private readonly walkRoot: WalkRoot;
  private cwdRef: DirRef;
  readonly policy: WritePolicy;
  /** The host's "/" as the second layer of a sysroot, or null for a strict root. */
  private readonly hostRoot: WalkRoot | null;
  /** The root has no /dev of its own: the guest's is virtual (dev-layer.ts). */
  readonly devVirtual: boolean;
  readonly devices = new DevLayer();

  constructor(opts: VfsOptions) {
    this.root = path.resolve(opts.root);
    const rootFd = hostOpenat2(-100, this.root, HOST_O_PATH | HOST_O_DIRECTORY, 0, 0);
    this.rootRef = { fd: rootFd, owned: false, guest: '/' };
    const rootId = fstatFd(rootFd);
    this.walkRoot = { fd: rootFd, id: rootId };
    this.hostRoot = null;
    if (opts.fallbackToHost && this.root !== '/') {
      const hostFd = hostOpenat2(-100, '/', HOST_O_PATH | HOST_O_DIRECTORY, 0, 0);
      this.hostRoot = { fd: hostFd, id: fstatFd(hostFd) };
    }
    this.devVirtual = this.hostRoot === null && !fs.existsSync(path.join(this.root, 'dev'));
    this.cwdRef = this.rootRef;
    const cwd = normalize(opts.cwd);
    this.setCwd(this.openDirectory(cwd) ?? { fd: -1, owned: false, guest: cwd });
    // The current directory is writable because the user ran dsu there; a
    // guest cwd that is not the host's (host cwd outside the root) is not.
    const hostCwdIsCwd = this.toGuest(path.resolve(process.cwd())) === cwd;
    // /dev/shm is the shared-memory /tmp (shm_open, sem_open): processes meet there
    const guests = [...(hostCwdIsCwd ? [cwd] : []), '/tmp', '/dev/shm', ...opts.writable.map((w) => this.writableGuestPath(w))];
    const roots: PolicyRoot[] = guests.map((guest) => ({ guest, id: this.identify(guest) }));
    // the session's own /dev/shm, made on first use
    roots.push({ guest: '/dev/shm', id: null });
    this.policy = new WritePolicy(roots, rootId, (g) => (g === '/dev/shm' ? this.devices.shmId() : this.identify(g)));
  }

  /** The guest path of a --rw argument: a relative one is the host's, from where dsu started. */
  private writableGuestPath(arg: string): string {
    if (arg.startsWith('/')) return normalize(arg);
    const host = path.resolve(process.cwd(), arg);
    const guest = this.toGuest(host);
    if (guest === null) throw new Error(`--rw ${arg}: ${host} is outside the root ${this.root}`);
    return guest;
  }

  /** Identity of an existing guest directory, or null. */
  private identify(guest: string): FileId | null {
    const d = this.openDirectory(guest);
    if (d === null) return null;
    try {
      return fstatFd(d.fd);
    } finally {
      releaseDir(d);
    }
  }

  /** An owned O_PATH fd on the guest directory `guest`, or null when there is none. */
  private openDirectory(guest: string): DirRef | null {
    let r: Resolved;
    try {
      r = this.resolve(guest);
    } catch {
      return null;
    }
    try {
      if (r.node || r.stat === null || !isDir(r.stat)) return null;
      return { fd: hostOpenPath(r.dir.fd, r.name, true), owned: true, guest: r.guest };
    } catch {
      return null;
    } finally {
      releaseDir(r.dir);
    }
  }

  /** Fds naming the host side of the last Unix socket address (see unix-names.ts). */
  private socketFds: number[] = [];

  /**
   * Keep `fd` open until the next Unix socket address is made: its
   * /proc/self/fd/N path is what the host's bind() or connect() is given,
   * right after, within the same guest call.
   */
  holdForSocketCall(fd: number): void {
    this.socketFds.push(fd);
  }

  releaseSocketFds(): void {
    for (const fd of this.socketFds) hostClose(fd);
    this.socketFds = [];
  }

  /**
   * The file-system context of a forked child: the same root and write
   * policy, and a current directory of its own (a chdir in one process does
   * not move the other).
   */
  fork(): Vfs {
    const child = Object.create(Vfs.prototype) as Vfs;
    Object.assign(child, this);
    child.socketFds = [];
    child.users = 1;
    const cwd = this.cwdRef;
    child.cwdRef = cwd.owned ? { ...cwd, fd: hostFcntlInt(cwd.fd, F_DUPFD_CLOEXEC, 0) } : { ...cwd };
    return child;
  }

  /** Processes using this context (CLONE_FS shares one). */
  private users = 1;

  /** One more process uses this context (clone with CLONE_FS). */
  share(): Vfs {
    this.users++;
    return this;
  }

  /** A process using this context has ended: the last one lets go of its current directory. */
  close(): void {
    if (--this.users > 0) return;
    releaseDir(this.cwdRef);
    this.cwdRef = this.rootRef;
  }

  get cwd(): string {
    return this.cwdRef.guest;
  }

  /** The current directory as a directory reference (borrowed: do not release). */
  get cwdDir(): DirRef {
    return { ...this.cwdRef, owned: false };
  }

  /** Make `d` (owned by the caller until now, or virtual) the current directory. */
  setCwd(d: DirRef): void {
    const old = this.cwdRef;
    this.cwdRef = { ...d, owned: d.fd >= 0 && d.fd !== this.rootRef.fd };
    if (old !== this.cwdRef) releaseDir(old);
  }

  /** The current directory was removed (getcwd says ENOENT then). */
  cwdRemoved(): boolean {
    return this.cwdRef.fd >= 0 && fstatFd(this.cwdRef.fd).nlink === 0;
  }

  toHost(guest: string): string {
    return this.root === '/' ? guest : guest === '/' ? this.root : this.root + guest;
  }

  /** Guest path of a host path inside the root (with a sysroot, any host path), or null. */
  toGuest(host: string): string | null {
    if (this.root === '/') return host;
    if (host === this.root) return '/';
    if (host.startsWith(this.root + '/')) return host.slice(this.root.length);
    return this.hostRoot ? host : null;
  }

  /**
   * Resolve `p` (relative to `base`, default cwd). With followLast false the
   * final component is not dereferenced (lstat, unlink...). The final
   * component may be missing (stat null); a missing directory is ENOENT.
   * The caller must release the result (release()).
   */
  resolve(p: string, opts: ResolveOptions = {}): Resolved {
    const walkOpts = { base: opts.base ?? this.cwdDir, followLast: opts.followLast ?? true, tree: opts.tree };
    try {
      const found = this.hostRoot ? this.resolveLayered(p, walkOpts) : this.resolveIn(this.walkRoot, p, walkOpts);
      if (found.stat !== null || found.node) return found;
      const dev = this.deviceFor(p);
      if (!dev) return found;
      release(found);
      return dev;
    } catch (e) {
      const dev = errnoOf(e) === ENOENT ? this.deviceFor(p) : null;
      if (dev) return dev;
      // one error family for callers: the host's errno as the guest's
      if (e instanceof LinuxError) throw e;
      throw new LinuxError(errnoOf(e), p);
    }
  }

  private resolveIn(root: WalkRoot, p: string, opts: WalkOptions): Resolved {
    // the virtual /dev is the walk's to answer
    if (this.devVirtual && p.startsWith('/dev') && (p.length === 4 || p[4] === '/')) return walk(root, p, opts);
    return fastResolve(root, p, opts) ?? walk(root, p, opts);
  }

  /**
   * A sysroot's lookup: an absolute path under the sysroot when it is there,
   * else on the host when it is there, else (to be created) in the first
   * layer whose directory exists; a relative one in its base's layer.
   */
  private resolveLayered(p: string, opts: WalkOptions): Resolved {
    const host = this.hostRoot!;
    if (!p.startsWith('/')) return this.resolveIn(this.layerOf(opts.base), p, opts);
    let first: Resolved | null = null;
    let firstError: unknown = null;
    try {
      first = this.resolveIn(this.walkRoot, p, opts);
    } catch (e) {
      if (errnoOf(e) !== ENOENT && errnoOf(e) !== ENOTDIR) throw e;
      firstError = e;
    }
    if (first && (first.node || first.stat !== null)) return first;
    let second: Resolved;
    try {
      second = this.resolveIn(host, p, opts);
    } catch (e) {
      if (first) return first;
      throw firstError ?? e;
    }
    if (first && second.stat === null && !second.node) {
      release(second);
      return first;
    }
    if (first) release(first);
    return second;
  }

  /** The layer a directory belongs to: the sysroot's when it lies under it, else the host's. */
  private layerOf(d: DirRef): WalkRoot {
    if (d.fd < 0 || !this.hostRoot) return this.walkRoot;
    let cur = d.fd;
    const opened: number[] = [];
    try {
      for (let depth = 0; depth < PATH_MAX / 2; depth++) {
        const id = fstatFd(cur);
        if (sameFile(id, this.walkRoot.id)) return this.walkRoot;
        const up = hostOpenat2(cur, '..', HOST_O_PATH | HOST_O_DIRECTORY, 0, 0);
        opened.push(up);
        if (sameFile(fstatFd(up), id)) return this.hostRoot;
        cur = up;
      }
      return this.hostRoot;
    } finally {
      for (const fd of opened) hostClose(fd);
    }
  }

  /** What the root lacks of /dev, from the device layer (absolute paths only), or null. */
  private deviceFor(p: string): Resolved | null {
    if (!p.startsWith('/dev/')) return null;
    const guest = normalize(p) + (p.endsWith('/') ? '/' : '');
    return guest.startsWith('/dev/') ? this.devices.find(guest) : null;
  }

  /**
   * Open the guest file `guest` for dsu itself (the program, its
   * interpreter, libraries): the handle's host path reaches exactly the file
   * found inside the root, whatever is renamed afterwards.
   */
  /** `fn` on the host path of the guest file `guest` (see openForDsu); `missing` when there is none. */
  withHostPath<T, M>(guest: string, missing: M, fn: (host: string) => T): T | M {
    let h: HostHandle;
    try {
      h = this.openForDsu(guest);
    } catch {
      return missing;
    }
    try {
      return fn(h.host);
    } finally {
      h.close();
    }
  }

  openForDsu(guest: string): HostHandle {
    const r = this.resolve(guest);
    try {
      if (r.node) throw new LinuxError(ENOENT, guest);
      if (r.stat === null) throw new LinuxError(ENOENT, guest);
      if (r.trailingSlash && !isDir(r.stat)) throw new LinuxError(ENOTDIR, guest);
      const fd = hostOpenPath(r.dir.fd, r.name);
      return { guest: r.guest, host: `/proc/self/fd/${fd}`, close: () => hostClose(fd) };
    } finally {
      releaseDir(r.dir);
    }
  }
}

/** Give back what a lookup holds. */
export function release(r: Resolved): void {
  releaseDir(r.dir);
}

function normalize(p: string): string {
  const out: string[] = [];
  for (const c of p.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') out.pop();
    else out.push(c);
  }
  return '/' + out.join('/');
}

